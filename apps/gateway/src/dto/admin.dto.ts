import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES } from '#libs/runtime';

export class LoginDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(60) username: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) password: string;
}

export class CreateUnitDto {
  @ApiProperty({ example: 'housing-bureau' }) @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, { message: 'code must be 1-40 letters, digits, _ . -' }) code: string;
  @ApiProperty({ example: '住房和城乡建设局' }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) parentCode?: string;
}

export class CreateUserDto {
  @ApiProperty() @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,59}$/, { message: 'username must be 2-60 letters, digits, _ . -' }) username: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) password: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) @IsArray() @ArrayMinSize(1) @IsIn(ROLES, { each: true }) roles: (typeof ROLES)[number][];
  @ApiPropertyOptional({ description: 'required for handler' }) @IsOptional() @IsString() @MaxLength(40) unitCode?: string;
}
