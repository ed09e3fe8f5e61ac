import { describe, expect, it } from '@jest/globals';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from './config.js';

class Sample {
  @IsInt() @Min(1) @Max(65535) PORT: number = 3000;
  @Matches(/^mysql:\/\//, { message: 'DATABASE_URL must look like mysql://…' }) DATABASE_URL: string;
  @IsString() TZ: string = 'Asia/Shanghai';
}

describe('configuration', () => {
  it('applies defaults and converts numbers', () => {
    expect(loadConfig(Sample, { DATABASE_URL: 'mysql://x', PORT: '8080' })).toMatchObject({ PORT: 8080, TZ: 'Asia/Shanghai' });
  });
  it('names the missing variable in one line', () => {
    expect(() => loadConfig(Sample, {})).toThrow(new ConfigError('configuration: DATABASE_URL must look like mysql://… (got null)'));
  });
  it('names a malformed variable and what it got', () => {
    expect(() => loadConfig(Sample, { DATABASE_URL: 'mysql://x', PORT: 'eighty' })).toThrow(/^configuration: PORT .*\(got "eighty"\)$/);
  });
});
