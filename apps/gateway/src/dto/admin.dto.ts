import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsCleanText, Label, ROLES } from '#libs/runtime';

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
  @ApiProperty({ minLength: 8 }) @Label('密码') @IsString() @MinLength(8) @MaxLength(200) password: string;
  @ApiProperty() @Label('姓名') @IsCleanText() @MaxLength(100) displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) @Label('角色') @IsArray() @ArrayMinSize(1) @IsIn(ROLES, { each: true, message: '角色应为 reception、office、handler、leader 或 admin' }) roles: (typeof ROLES)[number][];
  @ApiPropertyOptional({ description: 'required for handler' }) @Label('所属单位') @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
}
