import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import {
  DATE_YEAR_RANGE,
  forbiddenCharIn,
  forbiddenCharKind,
  ID_NUMBER_PROBLEM_TEXT,
  idNumberProblem,
  instantProblem,
  isPhone,
  isRealDate,
  normaliseIdNumber,
  normalisePhone,
  PHONE_RULE_TEXT,
} from '#libs/common';
import { labelOf } from './http-errors.js';

/*
 * The door's checks as class-validator decorators. The rules themselves live in
 * libs/common/src/input-checks.ts (pure, shared with the web app); here they get a zh-CN message
 * that names the field by its @Label. Values are never echoed back for personal data (identity
 * numbers, phones); a date or a control character is, so the user sees what is wrong.
 */

const label = (args: ValidationArguments) => labelOf(args.object, args.property);
const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` and a real calendar date between 1900 and 2100 (2024-02-30 and 2024-13-45 are refused). */
export function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (v) => isRealDate(v),
      defaultMessage: (args) => {
        const v = args!.value;
        if (typeof v !== 'string' || !DATE_SHAPE.test(v)) return `${label(args!)}格式应为 YYYY-MM-DD`;
        const year = Number(v.slice(0, 4));
        if (year < DATE_YEAR_RANGE.min || year > DATE_YEAR_RANGE.max) return `${label(args!)}的年份应在 ${DATE_YEAR_RANGE.min}–${DATE_YEAR_RANGE.max} 之间`;
        return `${label(args!)}不是真实存在的日期：${v}`;
      },
    },
  });
}

/** ISO 8601 with an explicit offset (Z or ±hh:mm) naming a real date and time. */
export function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (v) => instantProblem(v) === null,
      defaultMessage: (args) => (instantProblem(args!.value) === 'format' ? `${label(args!)}必须是带时区的时间，如 2024-09-18T09:30:00+08:00` : `${label(args!)}不是真实存在的日期或时间`),
    },
  });
}

/**
 * A resident identity number under GB 11643: 18 characters with a correct check character (x is
 * taken as X) and a real birth date not after today; or a 15-digit number of the old cards with a
 * real 19YYMMDD birth date. Trimmed and upper-cased before the check.
 */
export function IsIdNumber(): PropertyDecorator {
  return compose(
    Transform(({ value }) => (typeof value === 'string' ? normaliseIdNumber(value) : value)),
    ValidateBy({
      name: 'isIdNumber',
      validator: {
        validate: (v) => idNumberProblem(v) === null,
        defaultMessage: (args) => `${label(args!)}${ID_NUMBER_PROBLEM_TEXT[idNumberProblem(args!.value) ?? 'format']}`,
      },
    }),
  );
}

/**
 * A mobile, a landline with its area code, or a service number (12345, 95588, …): the list is in
 * libs/common/src/input-checks.ts. A mobile is stored as its bare 11 digits.
 */
export function IsPhone(): PropertyDecorator {
  return compose(
    Transform(({ value }) => (typeof value === 'string' && isPhone(value) ? normalisePhone(value) : value)),
    ValidateBy({
      name: 'isPhone',
      validator: {
        validate: (v) => isPhone(v),
        defaultMessage: (args) => `${label(args!)}${PHONE_RULE_TEXT}`,
      },
    }),
  );
}

/**
 * Free text: trimmed; not blank once trimmed; no NUL, no other control character (line feed,
 * carriage return and tab only in `multiline` text such as content or an opinion), no
 * bidirectional override or isolate, no unpaired surrogate.
 */
export function IsCleanText(options: { multiline?: boolean } = {}): PropertyDecorator {
  const multiline = options.multiline ?? false;
  return compose(
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    ValidateBy({
      name: 'isCleanText',
      validator: {
        validate: (v) => typeof v === 'string' && v.length > 0 && forbiddenCharIn(v, multiline) === null,
        defaultMessage: (args) => {
          const v = args!.value;
          if (typeof v !== 'string') return `${label(args!)}必须是文本`;
          if (!v.length) return `${label(args!)}不能为空`;
          const cp = forbiddenCharIn(v, multiline)!;
          return `${label(args!)}含有不允许的${forbiddenCharKind(cp)}（${cp}）`;
        },
      },
    }),
  );
}
