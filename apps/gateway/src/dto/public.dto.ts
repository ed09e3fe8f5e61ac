/**
 * The public door (信访查询, no account): what the petitioner sends and what they are answered.
 * The answer is built field by field from the case view (apps/gateway/src/public-track.ts), so it
 * holds nothing these classes do not name: no staff, no petitioners, no personal data.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, MaxLength, ValidateBy } from 'class-validator';
import { isQueryCode, isTrackingNo, normaliseTrackingInput } from '#libs/common';
import { RATINGS } from '#libs/contracts';
import { IsCleanText, Label } from '#libs/runtime';

const normalised = () => Transform(({ value }) => (typeof value === 'string' ? normaliseTrackingInput(value) : value));

export class TrackDto {
  @ApiProperty({ example: 'XF20240918A1B2C3D4', description: 'the tracking number on the receipt (case and spaces do not matter)' })
  @Label('信访编号')
  @normalised()
  @ValidateBy({ name: 'isTrackingNo', validator: { validate: (v) => isTrackingNo(v), defaultMessage: () => '信访编号格式不正确，应为 XF 加 8 位日期和 8 位字母数字，如 XF20240918A1B2C3D4' } })
  trackingNo: string;

  @ApiProperty({ example: 'K7M2QX', description: 'the query code on the receipt: 6 of the digits 2–9 and the letters A–Z without I and O (case and spaces do not matter)' })
  @Label('查询码')
  @normalised()
  @ValidateBy({ name: 'isQueryCode', validator: { validate: (v) => isQueryCode(v), defaultMessage: () => '查询码应为 6 位数字或字母（见登记回执）' } })
  queryCode: string;
}

export class PublicEvaluateDto extends TrackDto {
  @ApiProperty({ enum: RATINGS, description: '满意 / 基本满意 / 不满意' })
  @Label('满意度')
  @IsIn(RATINGS, { message: '满意度应为 satisfied（满意）、basically-satisfied（基本满意）或 dissatisfied（不满意）' })
  rating: (typeof RATINGS)[number];
  @ApiPropertyOptional({ maxLength: 500, description: 'what the petitioner wants to say with the rating' })
  @Label('评价意见')
  @IsOptional()
  @IsCleanText({ multiline: true })
  @MaxLength(500)
  comment?: string;
}

// ---------------------------------------------------------------- the answer

export class PublicStepDto {
  @ApiProperty({
    example: 'routed',
    description: 'registered, repeat-contact, routed, accepted, declined, diverted, extended, closed, evaluated, review-requested, review-opinion, re-review-requested, re-review-opinion',
  })
  type: string;
  @ApiProperty({ example: '转送至住房和城乡建设局办理' }) title: string;
  @ApiProperty({ example: '2024-09-19T10:00:00+08:00' }) at: string;
}

export class PublicDeadlineDto {
  @ApiProperty({ example: 'handling' }) kind: string;
  @ApiProperty({ example: '办理期限' }) title: string;
  @ApiProperty({ type: String, nullable: true, example: '2024-11-19', description: 'the last day (office time zone); null while the year’s holiday notice is awaited' }) lastDay: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2024-11-20T00:00:00+08:00', description: '24:00 of the last day' }) dueAt: string | null;
  @ApiProperty({ enum: ['pending', 'met', 'breached'] }) state: string;
  @ApiProperty({ example: '进行中', description: 'the state in plain Chinese' }) stateText: string;
  @ApiProperty({ example: '受理 2024-09-20，自次日起计算 60 日（《信访工作条例》第三十四条）：至 2024-11-19 24 时止' }) basis: string;
}

export class PublicOpinionDto {
  @ApiProperty({ example: '实体性办结' }) kind: string;
  @ApiProperty({ example: '支持' }) outcome: string;
  @ApiProperty({ example: '经核实，该小区加装电梯补贴符合条件，已于本月拨付到位。' }) opinion: string;
  @ApiProperty({ example: '2024-10-20T10:00:00+08:00' }) at: string;
}

export class PublicRequestDto {
  @ApiProperty({ example: '2024-10-25T10:00:00+08:00' }) requestedAt: string;
  @ApiProperty({ type: PublicOpinionDto, nullable: true }) opinion: PublicOpinionDto | null;
}

export class PublicActionDto {
  @ApiProperty({ enum: ['evaluate', 'review-request', 're-review-request'] }) action: string;
  @ApiProperty({ example: '申请复查' }) title: string;
  @ApiProperty({ example: '/api/v1/public/review-request' }) path: string;
  @ApiProperty({ type: String, nullable: true, example: '2024-11-19', description: 'the last day it can be done (null while the year’s holiday notice is awaited)' }) until: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2024-11-20T00:00:00+08:00' }) dueAt: string | null;
  @ApiProperty({ example: '可于 2024-11-19 前（含当日）申请复查' }) text: string;
}

export class PublicEvaluationDto {
  @ApiProperty({ enum: RATINGS }) rating: string;
  @ApiProperty({ example: '满意' }) ratingText: string;
  @ApiPropertyOptional({ example: '办理及时，感谢。' }) comment?: string;
  @ApiProperty({ example: '2024-10-21T10:00:00+08:00' }) at: string;
}

/** The case as the petitioner may see it: whitelisted from the case view, nothing else. */
export class PublicCaseViewDto {
  @ApiProperty({ example: 'XF20240918A1B2C3D4' }) trackingNo: string;
  @ApiProperty({ enum: ['registered', 'routed', 'accepted', 'closed', 'declined', 'diverted', 'under-review', 'under-re-review', 'final'] }) status: string;
  @ApiProperty({ example: '已受理，正在办理', description: 'the state in plain Chinese' }) statusText: string;
  @ApiProperty({ example: '小区加装电梯补贴未发放' }) summary: string;
  @ApiProperty({ example: '走访' }) channel: string;
  @ApiProperty({ example: '2024-09-18T09:30:00+08:00' }) receivedAt: string;
  @ApiProperty({ type: String, nullable: true, example: '住房和城乡建设局', description: 'the unit handling it, by its name' }) unitName: string | null;
  @ApiProperty({ type: [PublicStepDto], description: 'the steps so far with their dates, oldest first' }) steps: PublicStepDto[];
  @ApiProperty({ type: [PublicDeadlineDto], description: 'every deadline with its basis' }) deadlines: PublicDeadlineDto[];
  @ApiProperty({ type: PublicOpinionDto, nullable: true, description: 'the written handling opinion (信访处理意见), once issued' }) opinion: PublicOpinionDto | null;
  @ApiProperty({ type: PublicRequestDto, nullable: true, description: 'the review (复查), once asked for' }) review: PublicRequestDto | null;
  @ApiProperty({ type: PublicRequestDto, nullable: true, description: 'the re-review (复核), once asked for' }) reReview: PublicRequestDto | null;
  @ApiProperty({ type: String, nullable: true, example: '经批准延长办理期限 15 日：需现场核查并协调多个部门。', description: 'an extension of the handling period and its reason (Art. 34)' })
  extension: string | null;
  @ApiProperty({ type: String, nullable: true, example: '不属于信访受理范围', description: 'declined (不予受理): why' }) decline: string | null;
  @ApiProperty({ type: String, nullable: true, example: '诉讼', description: 'diverted to another procedure (导入相应程序, Art. 31): which' }) diversion: string | null;
  @ApiProperty({ type: PublicEvaluationDto, nullable: true }) evaluation: PublicEvaluationDto | null;
  @ApiProperty({ type: String, nullable: true, enum: ['待评价', '已评价', '超期未评价'] }) evaluationState: string | null;
  @ApiProperty({ type: [PublicActionDto], description: 'what the petitioner can still do, each until its last day' }) canDo: PublicActionDto[];
}

/** The answer while the case view does not show the petitioner's act yet (it is saved). */
export class PublicPendingDto {
  @ApiProperty({ example: 'XF20240918A1B2C3D4' }) trackingNo: string;
  @ApiProperty({ enum: ['accepted-pending-view'] }) status: string;
  @ApiProperty({ example: '已提交，办理情况稍后更新，请稍后重新查询' }) message: string;
}
