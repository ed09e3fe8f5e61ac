import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { AUTHORITIES, CATEGORY_CODES, CHANNELS, CLOSURE_KINDS, DECLINE_REASONS, OUTCOMES, PROCEDURES, PURPOSES, RATINGS, ROUTE_MODES, SESSION_KINDS } from '#libs/contracts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID_NUMBER = /^\d{17}[\dXx]$|^\d{15}$/;
const PHONE = /^[\d\-+ ]{5,20}$/;

export class PetitionerDto {
  @ApiProperty({ example: '张三' }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiPropertyOptional({ description: '居民身份证号 (18 digits, last may be X)' }) @IsOptional() @Matches(ID_NUMBER, { message: 'idNumber must be a resident identity number (18 characters, or 15 digits)' }) idNumber?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(PHONE, { message: 'phone must be a phone number' }) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) address?: string;
}

export class AssignedByDto {
  @ApiProperty({ enum: AUTHORITIES }) @IsIn(AUTHORITIES) authority: (typeof AUTHORITIES)[number];
  @ApiProperty({ description: 'the assigning body’s reference (交办文号)' }) @IsString() @IsNotEmpty() @MaxLength(100) reference: string;
  @ApiPropertyOptional({ example: '2024-12-31' }) @IsOptional() @Matches(DATE, { message: 'feedbackDueAt must be YYYY-MM-DD' }) feedbackDueAt?: string;
}

export class RegisterPetitionDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel: (typeof CHANNELS)[number];
  @ApiPropertyOptional({ description: 'default now; a past time is a late entry (补录) and is audited' })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string;
  @ApiProperty({ type: [PetitionerDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PetitionerDto)
  petitioners: PetitionerDto[];
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) @Max(100000) headcount?: number;
  @ApiProperty({ enum: PURPOSES }) @IsIn(PURPOSES) purpose: (typeof PURPOSES)[number];
  @ApiProperty({ enum: CATEGORY_CODES }) @IsIn(CATEGORY_CODES, { message: 'category must be a category code (GET /api/v1/categories)' }) category: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) summary: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20000) content: string;
  @ApiPropertyOptional({ type: AssignedByDto }) @IsOptional() @ValidateNested() @Type(() => AssignedByDto) assignedBy?: AssignedByDto;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() backlog?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(36) receptionSessionId?: string;
}

/** `at` back-dates an action (admin only: paper records entered later). */
export class ActionDto {
  @ApiPropertyOptional({ description: 'admin only: when the act really happened' }) @IsOptional() @IsISO8601({ strict: true }) at?: string;
}

export class RouteDto extends ActionDto {
  @ApiProperty({ enum: ROUTE_MODES, description: 'transfer 转送 / assign 交办' }) @IsIn(ROUTE_MODES) mode: (typeof ROUTE_MODES)[number];
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(40) unitCode: string;
  @ApiPropertyOptional({ example: '2024-12-31' }) @IsOptional() @Matches(DATE, { message: 'feedbackDueAt must be YYYY-MM-DD' }) feedbackDueAt?: string;
}

export class CloseDto extends ActionDto {
  @ApiProperty({ enum: CLOSURE_KINDS }) @IsIn(CLOSURE_KINDS) kind: (typeof CLOSURE_KINDS)[number];
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome: (typeof OUTCOMES)[number];
  @ApiProperty({ description: '信访处理意见书' }) @IsString() @IsNotEmpty() @MaxLength(20000) opinion: string;
}

export class DeclineDto extends ActionDto {
  @ApiProperty({ enum: DECLINE_REASONS, description: 'pending-elsewhere (Art. 19(3)), exhausted after re-review (Art. 36(3)), out-of-scope' })
  @IsIn(DECLINE_REASONS)
  reason: (typeof DECLINE_REASONS)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class DivertDto extends ActionDto {
  @ApiProperty({ enum: PROCEDURES, description: '导入相应程序 (Art. 31)' }) @IsIn(PROCEDURES) procedure: (typeof PROCEDURES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class ObjectDto extends ActionDto {
  @ApiProperty({ description: 'why the transfer is wrong (Art. 23(3))' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
}

export class ExtendDto extends ActionDto {
  @ApiProperty({ minimum: 1, maximum: 30 }) @IsInt() @Min(1) @Max(30) days: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
  @ApiProperty({ description: 'the unit head who approved it (Art. 34)' }) @IsString() @IsNotEmpty() @MaxLength(100) approvedBy: string;
  @ApiPropertyOptional({ description: 'how and when the petitioner was told the reason' }) @IsOptional() @IsString() @MaxLength(500) petitionerNotice?: string;
}

export class EvaluateDto extends ActionDto {
  @ApiProperty({ enum: RATINGS }) @IsIn(RATINGS) rating: (typeof RATINGS)[number];
}

export class OpinionDto extends ActionDto {
  @ApiProperty({ enum: CLOSURE_KINDS }) @IsIn(CLOSURE_KINDS) kind: (typeof CLOSURE_KINDS)[number];
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome: (typeof OUTCOMES)[number];
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20000) opinion: string;
}

export class ReReviewOpinionDto extends OpinionDto {
  @ApiPropertyOptional({ description: 'days spent on a hearing (听证), not counted in the period' }) @IsOptional() @IsInt() @Min(0) @Max(365) hearingDays?: number;
}

export class SuperviseDto {
  @ApiProperty({ description: '督办意见' }) @IsString() @IsNotEmpty() @MaxLength(2000) note: string;
}

export class ReceptionSessionDto {
  @ApiProperty({ enum: SESSION_KINDS, description: 'leader-day 接访日 / appointment 约访 / special 专访' }) @IsIn(SESSION_KINDS) kind: (typeof SESSION_KINDS)[number];
  @ApiProperty({ example: '张副县长' }) @IsString() @IsNotEmpty() @MaxLength(100) leader: string;
  @ApiProperty({ example: '2022-06-15' }) @Matches(DATE, { message: 'date must be YYYY-MM-DD' }) date: string;
}

export class AnnualQueryDto {
  @ApiProperty({ example: 2022 }) @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year: number;
  @ApiPropertyOptional({ enum: ['text', 'csv', 'xlsx'], default: 'text' }) @IsOptional() @IsIn(['text', 'csv', 'xlsx']) format?: 'text' | 'csv' | 'xlsx';
}

export class BacklogQueryDto {
  @ApiPropertyOptional({ enum: AUTHORITIES }) @IsOptional() @IsIn(AUTHORITIES) authority?: string;
}

export const STATUSES = ['registered', 'routed', 'accepted', 'closed', 'declined', 'diverted', 'under-review', 'under-re-review', 'final'] as const;

export class ListPetitionsDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
  @ApiPropertyOptional({ enum: AUTHORITIES }) @IsOptional() @IsIn(AUTHORITIES) authority?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class SummaryQueryDto {
  @ApiProperty({ example: '2022-01-01' }) @Matches(DATE, { message: 'from must be YYYY-MM-DD' }) from: string;
  @ApiProperty({ example: '2022-12-31' }) @Matches(DATE, { message: 'to must be YYYY-MM-DD' }) to: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
  @ApiPropertyOptional({ enum: AUTHORITIES }) @IsOptional() @IsIn(AUTHORITIES) authority?: string;
}
