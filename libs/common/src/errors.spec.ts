import { domainErrorFromBody, ForbiddenError, InvalidInputError, NotFoundError, RuleViolationError, StateConflictError, UnauthorizedError, UnavailableError } from './errors.js';

describe('domain errors', () => {
  it('carry their status and a default code', () => {
    const cases = [
      [InvalidInputError, 400, 'FIELD_INVALID'],
      [UnauthorizedError, 401, 'UNAUTHENTICATED'],
      [ForbiddenError, 403, 'FORBIDDEN'],
      [NotFoundError, 404, 'NOT_FOUND'],
      [StateConflictError, 409, 'CASE_STATE'],
      [RuleViolationError, 422, 'REGULATION'],
      [UnavailableError, 503, 'UNAVAILABLE'],
    ] as const;
    for (const [Ctor, status, code] of cases) expect(new Ctor('消息').toJSON()).toEqual({ statusCode: status, error: expect.any(String), code, message: '消息' });
  });

  it('keep a specific code, and keep it across the process boundary', () => {
    const wrongUnit = new ForbiddenError('该案件由其他单位办理', undefined, 'WRONG_UNIT');
    const back = domainErrorFromBody(JSON.parse(JSON.stringify(wrongUnit.toJSON())))!;
    expect(back).toBeInstanceOf(ForbiddenError);
    expect(back.toJSON()).toEqual(wrongUnit.toJSON());
    const duplicate = domainErrorFromBody(new StateConflictError('单位代码 x 已存在', undefined, 'DUPLICATE').toJSON())!;
    expect(duplicate.code).toBe('DUPLICATE');
    const field = domainErrorFromBody(InvalidInputError.field('summary', '信访事项摘要不得超过 200 个字').toJSON())!;
    expect(field.toJSON()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'FIELD_INVALID',
      message: '信访事项摘要不得超过 200 个字',
      details: [{ field: 'summary', messages: ['信访事项摘要不得超过 200 个字'] }],
    });
  });

  it('fall back to the status’s code for a body without one (an older peer)', () => {
    expect(domainErrorFromBody({ statusCode: 422, error: 'Unprocessable Entity', message: 'x' })!.code).toBe('REGULATION');
    expect(domainErrorFromBody({ statusCode: 418, error: 'Teapot', message: 'x' })).toBeUndefined();
  });
});
