import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCleanText, Label, ROLES } from '#libs/runtime';

/** The password policy as the OpenAPI document states it. */
const PASSWORD_RULES = 'at least PASSWORD_MIN_LENGTH (10) characters, not the username (nor reversed), not a common password; refused with 400 naming 密码';

export class LoginDto {
  @ApiProperty() @Label('用户名') @IsString() @IsNotEmpty() @MaxLength(60) username: string;
  @ApiProperty() @Label('密码') @IsString() @IsNotEmpty() @MaxLength(200) password: string;
}

export class CreateUnitDto {
  @ApiProperty({ example: 'housing-bureau' }) @Label('单位代码') @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, { message: '单位代码应为 1–40 位字母、数字或 _ . -' }) code: string;
  @ApiProperty({ example: '住房和城乡建设局' }) @Label('单位名称') @IsCleanText() @MaxLength(100) name: string;
  @ApiPropertyOptional() @Label('上级单位') @IsOptional() @IsString() @MaxLength(40) parentCode?: string;
}

export class CreateUserDto {
  @ApiProperty() @Label('用户名') @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,59}$/, { message: '用户名应为 2–60 位字母、数字或 _ . -' }) username: string;
  @ApiProperty({ minLength: 10, description: PASSWORD_RULES }) @Label('密码') @IsString() @IsNotEmpty() @MaxLength(200) password: string;
  @ApiProperty() @Label('姓名') @IsCleanText() @MaxLength(100) displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @Label('角色')
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ROLES, { each: true, message: '角色应为 reception、office、handler、leader 或 admin' })
  roles: (typeof ROLES)[number][];
  @ApiPropertyOptional({ description: 'required for handler' }) @Label('所属单位') @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'the refreshToken of the login (or of the last refresh); it is spent by this call' }) @Label('刷新令牌') @IsString() @IsNotEmpty() @MaxLength(200) refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty() @Label('当前密码') @IsString() @IsNotEmpty() @MaxLength(200) currentPassword: string;
  @ApiProperty({ minLength: 10, description: PASSWORD_RULES }) @Label('新密码') @IsString() @IsNotEmpty() @MaxLength(200) newPassword: string;
}

export class ResetPasswordDto {
  @ApiProperty({ minLength: 10, description: `${PASSWORD_RULES}; the user must change it at the next login` }) @Label('密码') @IsString() @IsNotEmpty() @MaxLength(200) password: string;
}

export class SecurityEventsQueryDto {
  @ApiPropertyOptional({ example: '2024-09-01', description: 'first office day (inclusive)' })
  @Label('起始日期')
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '起始日期应为 YYYY-MM-DD' })
  from?: string;
  @ApiPropertyOptional({ example: '2024-09-30', description: 'last office day (inclusive)' })
  @Label('结束日期')
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '结束日期应为 YYYY-MM-DD' })
  to?: string;
  @ApiPropertyOptional({ description: 'only this event (login-failed, account-locked, access-denied, person-lookup, report-export, user-created …)' })
  @Label('事件')
  @IsOptional()
  @Matches(/^[a-z-]{1,40}$/, { message: '事件名称格式不正确' })
  event?: string;
  @ApiPropertyOptional({ default: 1 }) @Label('页码') @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ default: 50 }) @Label('每页条数') @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}
