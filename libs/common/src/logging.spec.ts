import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { withLogContext } from './log-context.js';
import { JsonLogger, jsonLog } from './logging.js';

function capture(levels: Parameters<typeof jsonLog>[1] = ['error', 'warn', 'log']) {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: new JsonLogger(jsonLog('intake', levels, out)), lines };
}

describe('JsonLogger: the distributed processes’ log lines', () => {
  it('writes one JSON object per line with the service, the Nest context and the level by name', () => {
    const { logger, lines } = capture();
    logger.log('listening', 'Main');
    logger.warn('slow', 'OutboxRelay');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'intake', context: 'Main', msg: 'listening', time: expect.stringMatching(/Z$/) }),
      expect.objectContaining({ level: 'warn', context: 'OutboxRelay', msg: 'slow' }),
    ]);
  });

  it('adds the request, correlation and event id of the work in hand', () => {
    const { logger, lines } = capture();
    withLogContext({ requestId: 'req-12345678', correlationId: 'req-12345678' }, () => withLogContext({ eventId: 'ev-1' }, () => logger.log('applied', 'CaseEventServer')));
    logger.log('outside');
    expect(lines[0]).toMatchObject({ requestId: 'req-12345678', correlationId: 'req-12345678', eventId: 'ev-1' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('masks identity numbers and phones in messages, stacks and objects', () => {
    const { logger, lines } = capture();
    logger.error('failed for 450302199001011232', 'Error: x\n    at f (a.js:1:1) 13812345678', 'Handler');
    logger.log({ note: 'phone 13812345678' }, 'Ctx');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/450302199001011232|13812345678/);
    expect(lines[0]).toMatchObject({ level: 'error', context: 'Handler', stack: expect.stringContaining('at f') });
  });

  it('leaves out what the level does not include', () => {
    const { logger, lines } = capture(['error', 'warn']);
    logger.log('chatter');
    logger.debug('more');
    logger.warn('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
