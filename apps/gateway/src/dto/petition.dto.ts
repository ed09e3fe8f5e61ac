import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import { AUTHORITIES, CHANNELS, CLOSURE_KINDS, DECLINE_REASONS, DRILL_DOWN_FIGURES, isCategoryCode, OUTCOMES, PROCEDURES, PURPOSES, RATINGS, ROUTE_MODES, SESSION_KINDS } from '#libs/contracts';
import { CASE_ACTIONS } from '#libs/regulation';
import { IsCalendarDate, IsCleanText, IsIdNumber, IsInstant, IsPhone, Label } from '#libs/runtime';

/** A first- or second-level code of the categories in force (bundled or CATEGORIES_FILE). */
const IsCategory = () =>
  ValidateBy({ name: 'isCategory', validator: { validate: (v) => isCategoryCode(v), defaultMessage: () => '内容分类不是有效的分类代码（见 GET /api/v1/categories），可填一级或二级分类' } });
/*
 * Every date is a real calendar date (IsCalendarDate), every instant carries its offset
 * (IsInstant), identity numbers pass GB 11643 (IsIdNumber), phones are what a reception desk
 * meets (IsPhone), free text is trimmed, not blank and free of control and bidi characters
 * (IsCleanText; multi-line where people write paragraphs). The rules: libs/common/src/input-checks.ts.
 */
const MULTILINE = { multiline: true };

export class PetitionerDto {
  @ApiProperty({ example: '张三' }) @Label('信访人姓名') @IsCleanText() @MaxLength(100) name: string;
  @ApiPropertyOptional({ description: '居民身份证号, GB 11643: 18 characters with a correct check character (x taken as X), or the 15 digits of an old card' })
  @Label('身份证号')
  @IsOptional()
  @IsIdNumber()
  idNumber?: string;
  @ApiPropertyOptional({ description: 'a mainland mobile, a landline with its area code, or a service number (12345, 95588)' }) @Label('联系电话') @IsOptional() @IsPhone() phone?: string;
  @ApiPropertyOptional() @Label('住址') @IsOptional() @IsCleanText() @MaxLength(200) address?: string;
}

export class AssignedByDto {
  @ApiProperty({ enum: AUTHORITIES }) @Label('交办机关') @IsIn(AUTHORITIES, { message: '交办机关应为 central（中央）、provincial（省）或 municipal（市）' }) authority: (typeof AUTHORITIES)[number];
  @ApiProperty({ description: 'the assigning body’s reference (交办文号)' }) @Label('交办文号') @IsCleanText() @MaxLength(100) reference: string;
  @ApiPropertyOptional({ example: '2024-12-31', description: 'not before the day received' }) @Label('反馈期限') @IsOptional() @IsCalendarDate() feedbackDueAt?: string;
}

export class RegisterPetitionDto {
  @ApiProperty({ enum: CHANNELS }) @Label('来源渠道') @IsIn(CHANNELS) channel: (typeof CHANNELS)[number];
  @ApiPropertyOptional({ description: 'default now; a past time is a late entry (补录) and is audited' })
  @Label('收信/来访时间')
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
  @ApiProperty({ type: [PetitionerDto] })
  @Label('信访人')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PetitionerDto)
  petitioners: PetitionerDto[];
  @ApiPropertyOptional({ minimum: 1 }) @Label('人数') @IsOptional() @IsInt() @Min(1) @Max(100000) headcount?: number;
  @ApiProperty({ enum: PURPOSES }) @Label('信访目的') @IsIn(PURPOSES) purpose: (typeof PURPOSES)[number];
  @ApiProperty({ description: 'a first- or second-level code of GET /api/v1/categories', example: 'urban-rural-construction.property-management' }) @Label('内容分类') @IsCategory() category: string;
  @ApiProperty({ maxLength: 200 }) @Label('信访事项摘要') @IsCleanText() @MaxLength(200) summary: string;
  @ApiProperty() @Label('主要诉求及事实') @IsCleanText(MULTILINE) @MaxLength(20000) content: string;
  @ApiPropertyOptional({ type: AssignedByDto }) @Label('上级交办') @IsOptional() @ValidateNested() @Type(() => AssignedByDto) assignedBy?: AssignedByDto;
  @ApiPropertyOptional() @Label('积案') @IsOptional() @IsBoolean() backlog?: boolean;
  @ApiPropertyOptional() @Label('接访活动') @IsOptional() @IsString() @MaxLength(36) receptionSessionId?: string;
}

/** `at` back-dates an action (admin only: paper records entered later). */
export class ActionDto {
  @ApiPropertyOptional({ description: 'admin only: when the act really happened' }) @Label('行为时间') @IsOptional() @IsInstant() at?: string;
}

export class RouteDto extends ActionDto {
  @ApiProperty({ enum: ROUTE_MODES, description: 'transfer 转送 / assign 交办' })
  @Label('转送方式')
  @IsIn(ROUTE_MODES, { message: '转送方式应为 transfer（转送）或 assign（交办）' })
  mode: (typeof ROUTE_MODES)[number];
  @ApiProperty() @Label('责任单位') @IsString() @IsNotEmpty() @MaxLength(40) unitCode: string;
  @ApiPropertyOptional({ example: '2024-12-31' }) @Label('反馈期限') @IsOptional() @IsCalendarDate() feedbackDueAt?: string;
}

export class CloseDto extends ActionDto {
  @ApiProperty({ enum: CLOSURE_KINDS }) @Label('办结类型') @IsIn(CLOSURE_KINDS) kind: (typeof CLOSURE_KINDS)[number];
  @ApiProperty({ enum: OUTCOMES }) @Label('处理结果') @IsIn(OUTCOMES) outcome: (typeof OUTCOMES)[number];
  @ApiProperty({ description: '信访处理意见书' }) @Label('处理意见') @IsCleanText(MULTILINE) @MaxLength(20000) opinion: string;
}

export class DeclineDto extends ActionDto {
  @ApiProperty({ enum: DECLINE_REASONS, description: 'pending-elsewhere (Art. 19(3)), exhausted after re-review (Art. 36(3)), out-of-scope' })
  @Label('不予受理理由')
  @IsIn(DECLINE_REASONS)
  reason: (typeof DECLINE_REASONS)[number];
  @ApiPropertyOptional() @Label('说明') @IsOptional() @IsCleanText(MULTILINE) @MaxLength(2000) note?: string;
}

export class DivertDto extends ActionDto {
  @ApiProperty({ enum: PROCEDURES, description: '导入相应程序 (Art. 31)' }) @Label('相应程序') @IsIn(PROCEDURES) procedure: (typeof PROCEDURES)[number];
  @ApiPropertyOptional() @Label('说明') @IsOptional() @IsCleanText(MULTILINE) @MaxLength(2000) note?: string;
}

export class ObjectDto extends ActionDto {
  @ApiProperty({ description: 'why the transfer is wrong (Art. 23(3))' }) @Label('退回理由') @IsCleanText(MULTILINE) @MaxLength(2000) reason: string;
}

export class ExtendDto extends ActionDto {
  @ApiProperty({ minimum: 1, maximum: 30 }) @Label('延期天数') @IsInt() @Min(1) @Max(30) days: number;
  @ApiProperty() @Label('延期理由') @IsCleanText(MULTILINE) @MaxLength(2000) reason: string;
  @ApiProperty({ description: 'the unit head who approved it (Art. 34)' }) @Label('批准人') @IsCleanText() @MaxLength(100) approvedBy: string;
  @ApiPropertyOptional({ description: 'how and when the petitioner was told the reason' }) @Label('告知信访人情况') @IsOptional() @IsCleanText(MULTILINE) @MaxLength(500) petitionerNotice?: string;
}

export class EvaluateDto extends ActionDto {
  @ApiProperty({ enum: RATINGS }) @Label('满意度') @IsIn(RATINGS) rating: (typeof RATINGS)[number];
}

export class OpinionDto extends ActionDto {
  @ApiProperty({ enum: CLOSURE_KINDS }) @Label('办结类型') @IsIn(CLOSURE_KINDS) kind: (typeof CLOSURE_KINDS)[number];
  @ApiProperty({ enum: OUTCOMES }) @Label('处理结果') @IsIn(OUTCOMES) outcome: (typeof OUTCOMES)[number];
  @ApiProperty() @Label('处理意见') @IsCleanText(MULTILINE) @MaxLength(20000) opinion: string;
}

export class ReReviewOpinionDto extends OpinionDto {
  @ApiPropertyOptional({ description: 'days spent on a hearing (听证), not counted in the period' }) @Label('听证天数') @IsOptional() @IsInt() @Min(0) @Max(365) hearingDays?: number;
}

export class SuperviseDto {
  @ApiProperty({ description: '督办意见' }) @Label('督办意见') @IsCleanText(MULTILINE) @MaxLength(2000) note: string;
}

export class ReceptionSessionDto {
  @ApiProperty({ enum: SESSION_KINDS, description: 'leader-day 接访日 / appointment 约访 / special 专访' }) @Label('接访类型') @IsIn(SESSION_KINDS) kind: (typeof SESSION_KINDS)[number];
  @ApiProperty({ example: '张副县长' }) @Label('接访领导') @IsCleanText() @MaxLength(100) leader: string;
  @ApiProperty({ example: '2022-06-15' }) @Label('接访日期') @IsCalendarDate() date: string;
}

export class AnnualQueryDto {
  @ApiProperty({ example: 2022 }) @Label('年度') @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year: number;
  @ApiPropertyOptional({ enum: ['text', 'csv', 'xlsx'], default: 'text' }) @Label('格式') @IsOptional() @IsIn(['text', 'csv', 'xlsx']) format?: 'text' | 'csv' | 'xlsx';
}

export class BacklogQueryDto {
  @ApiPropertyOptional({ enum: AUTHORITIES }) @Label('交办机关') @IsOptional() @IsIn(AUTHORITIES) authority?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: a breach not made good (超期); false: the others' })
  @Label('是否超期')
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: '是否超期应为 true 或 false' })
  overdue?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 366, example: 7, description: 'the date the unit answers to falls due today or within the next N days (not yet past)' })
  @Label('临期天数')
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(366)
  dueWithinDays?: number;
}

export const STATUSES = ['registered', 'routed', 'accepted', 'closed', 'declined', 'diverted', 'under-review', 'under-re-review', 'final'] as const;

export class ListPetitionsDto {
  @ApiPropertyOptional({ enum: STATUSES }) @Label('案件状态') @IsOptional() @IsIn(STATUSES) status?: string;
  @ApiPropertyOptional() @Label('责任单位') @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
  @ApiPropertyOptional({ enum: AUTHORITIES }) @Label('交办机关') @IsOptional() @IsIn(AUTHORITIES) authority?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @Label('是否超期')
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: '是否超期应为 true 或 false' })
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'exact tracking number (信访件编号)', example: 'XF20240918A1B2C3D4' }) @Label('信访件编号') @IsOptional() @IsString() @MaxLength(32) trackingNo?: string;
  @ApiPropertyOptional({ enum: ['received', 'urgency'], default: 'received', description: 'urgency: the next due instant first; cases with no open deadline after, newest first' })
  @Label('排序')
  @IsOptional()
  @IsIn(['received', 'urgency'], { message: '排序应为 received（按登记时间）或 urgency（按紧急程度）' })
  sort?: 'received' | 'urgency';
  @ApiPropertyOptional({ default: 1 }) @Label('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ default: 50 }) @Label('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class SummaryQueryDto {
  @ApiProperty({ example: '2022-01-01' }) @Label('起始日期') @IsCalendarDate() from: string;
  @ApiProperty({ example: '2022-12-31' }) @Label('结束日期') @IsCalendarDate() to: string;
  @ApiPropertyOptional() @Label('责任单位') @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
  @ApiPropertyOptional({ enum: AUTHORITIES }) @Label('交办机关') @IsOptional() @IsIn(AUTHORITIES) authority?: string;
  @ApiPropertyOptional({ enum: CHANNELS, description: 'cases by their first channel; contacts by their own' }) @Label('来源渠道') @IsOptional() @IsIn(CHANNELS) channel?: string;
  @ApiPropertyOptional({ enum: PURPOSES }) @Label('信访目的') @IsOptional() @IsIn(PURPOSES) purpose?: string;
  @ApiPropertyOptional({ description: 'a first-level code takes its second-level codes too', example: 'urban-rural-construction' }) @Label('内容分类') @IsOptional() @IsCategory() category?: string;
}

/** The cases behind one figure of the summary: the same period and filters. */
export class ReportCasesQueryDto extends SummaryQueryDto {
  @ApiProperty({ enum: DRILL_DOWN_FIGURES, example: 'onTimeClosure' })
  @Label('指标')
  @IsIn(DRILL_DOWN_FIGURES as unknown as string[], { message: `指标应为 ${DRILL_DOWN_FIGURES.join('、')} 之一` })
  figure: (typeof DRILL_DOWN_FIGURES)[number];
  @ApiPropertyOptional({ enum: ['numerator', 'denominator'], default: 'numerator', example: 'denominator' })
  @Label('分子或分母')
  @IsOptional()
  @IsIn(['numerator', 'denominator'], { message: '应为 numerator（分子）或 denominator（分母）' })
  part?: 'numerator' | 'denominator';
  @ApiPropertyOptional({ default: 1 }) @Label('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 50 }) @Label('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class PeriodQueryDto {
  @ApiProperty({ example: '2022-01-01' }) @Label('起始日期') @IsCalendarDate() from: string;
  @ApiProperty({ example: '2022-12-31' }) @Label('结束日期') @IsCalendarDate() to: string;
}

export const BREAKDOWNS = ['unit', 'category', 'channel', 'authority', 'month'] as const;
export class BreakdownQueryDto extends SummaryQueryDto {
  @ApiProperty({ enum: BREAKDOWNS, example: 'channel' }) @Label('分组方式') @IsIn(BREAKDOWNS, { message: '分组方式应为 unit、category、channel、authority 或 month' }) by: (typeof BREAKDOWNS)[number];
}

export class PreviewQueryDto {
  @ApiProperty({ enum: CASE_ACTIONS, example: 'route' }) @Label('操作') @IsIn(CASE_ACTIONS as unknown as string[], { message: '操作不是有效的案件操作' }) action: (typeof CASE_ACTIONS)[number];
  @ApiPropertyOptional({ minimum: 1, maximum: 30, description: 'extend only: the days asked for' }) @Label('延期天数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(30) days?: number;
  @ApiPropertyOptional({ enum: ROUTE_MODES, description: 'route only: transfer 转送 (default) or assign 交办' })
  @Label('转送方式')
  @IsOptional()
  @IsIn(ROUTE_MODES)
  mode?: (typeof ROUTE_MODES)[number];
}

export class PersonLookupDto {
  @ApiPropertyOptional({ description: 'identity number; or name + phone', example: '45030219800101122X' }) @Label('身份证号') @IsOptional() @IsIdNumber() idNumber?: string;
  @ApiPropertyOptional() @Label('信访人姓名') @IsOptional() @IsCleanText() @MaxLength(100) name?: string;
  @ApiPropertyOptional() @Label('联系电话') @IsOptional() @IsPhone() phone?: string;
}
