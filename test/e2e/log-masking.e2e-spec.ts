import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { format } from 'node:util';
import { DataSource } from 'typeorm';
import { newId } from '#libs/common';
import { CASE_EVENTS_DLT, CASE_EVENTS_TOPIC, createEvent, encodeEvent } from '#libs/contracts';
import { bearer, seedOffice, startTestPlatform, walkIn, type TestPlatform } from '../support/embedded.js';

/**
 * Personal data never reaches a log line. The platform runs at LOG_LEVEL=debug with every write
 * to stdout/stderr and every console call captured; flows that fail while carrying identity
 * numbers and phones are driven through it; no captured line may hold one.
 */

/** The petitioner of every failing flow: one of each kind of number. */
const ID18 = '45030219800101122X';
const ID15 = '450302800101123';
const MOBILE = '13912345678';
const MOBILE_86 = '+86 138 1234 5678';
const LANDLINE = '0771-7654321';
const petitioners = [
  { name: '李四', idNumber: ID18, phone: MOBILE, address: '阳和街道' },
  { name: '张三', idNumber: ID15, phone: LANDLINE },
  { name: '赵六', phone: MOBILE_86 },
];

/** What a log line must not contain, independently of maskText (UUIDs are taken out first: their hex parts can be digits). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const FORBIDDEN: [string, RegExp][] = [
  ['18-character identity number', /(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/],
  ['15-digit identity number', /(?<!\d)\d{15}(?!\d)/],
  ['mobile (with or without +86)', /(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/],
  ['landline', /(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[ -]?\d{7,8}(?!\d)/],
];
const leaksIn = (line: string) => {
  const scrubbed = line.replace(UUID, '<uuid>');
  return FORBIDDEN.filter(([, re]) => re.test(scrubbed)).map(([what]) => what);
};

describe('personal data in logs', () => {
  const lines: string[] = [];
  const restore: Array<() => void> = [];
  let t: TestPlatform;
  let tokens: Record<string, string>;

  const capture = (chunk: unknown) =>
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.trim()),
    );
  const waitFor = async (what: string, check: () => boolean, timeoutMs = 15000) => {
    for (const until = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  };
  const dataSourceOf = (service: string) => t.platform.services.find((s) => s.name === service)!.app.get(DataSource);

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        capture(chunk instanceof Uint8Array ? Buffer.from(chunk).toString() : chunk);
        return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write));
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => capture(format(...args));
      restore.push(() => (console[method] = original));
    }
    t = await startTestPlatform({ LOG_LEVEL: 'debug' });
    tokens = await seedOffice(t);
  }, 60000);
  afterAll(async () => {
    await t?.stop();
    restore.reverse().forEach((undo) => undo());
  });

  it('logs at debug level (the capture sees the platform)', () => {
    expect(lines.some((l) => /RoutesResolver|Mapped \{/.test(l))).toBe(true);
  });

  it('refuses bad input carrying identity numbers and phones', async () => {
    const res = await t
      .http()
      .post('/api/v1/petitions')
      .set(bearer(tokens.reception1))
      .send(walkIn({ petitioners: [...petitioners, { name: '钱七', idNumber: '4503021980010112', phone: `${MOBILE}${MOBILE}` }], receivedAt: 'yesterday' }))
      .expect(400);
    expect(res.body.statusCode).toBe(400);
  });

  it('logs a registration that fails in the database, with the numbers of the error masked', async () => {
    // A real database error whose message carries an identity number (the columns hold sealed
    // values, so the number is put in the message as a constraint echoing a value would).
    await dataSourceOf('intake').query(
      `CREATE TRIGGER refuse_petitioner BEFORE INSERT ON intake_petitioner BEGIN SELECT RAISE(ABORT, 'petitioner rejected: ${ID18} / ' || coalesce(NEW.phone, '')); END`,
    );
    const before = lines.length;
    await t.http().post('/api/v1/petitions').set(bearer(tokens.reception1)).send(walkIn({ petitioners })).expect(500);
    await dataSourceOf('intake').query('DROP TRIGGER refuse_petitioner');
    const logged = lines.slice(before);
    expect(logged.some((l) => l.includes('petitioner rejected: 450302********122X'))).toBe(true);
  });

  it('logs a dead-lettered event whose payload carries petitioner data', async () => {
    const bad = createEvent('case.registered', newId(), registeredPayload(), { username: 'reception1' }, new Date()) as unknown as { payload: Record<string, unknown> };
    bad.payload.purpose = 'complaint';
    const dead = t.platform.bus.messages(CASE_EVENTS_DLT).length;
    await t.platform.bus.publish([{ topic: CASE_EVENTS_TOPIC, key: 'k', value: JSON.stringify(bad) }]);
    await waitFor('five dead letters', () => t.platform.bus.messages(CASE_EVENTS_DLT).length >= dead + 5);
    expect(lines.filter((l) => l.includes('dead-lettered message') && l.includes('bad payload of case.registered')).length).toBeGreaterThanOrEqual(5);
    for (const m of t.platform.bus.messages(CASE_EVENTS_DLT).slice(dead)) expect(leaksIn(m.value)).toEqual([]);
  });

  it('logs a handler that fails on an event carrying petitioner data, attempt by attempt, then its dead letter', async () => {
    await dataSourceOf('reporting').query(`CREATE TRIGGER refuse_case BEFORE INSERT ON rpt_case BEGIN SELECT RAISE(ABORT, 'projection rejected: ${ID18} ' || NEW.petitioners); END`);
    const event = createEvent('case.registered', newId(), registeredPayload(), { username: 'reception1' }, new Date());
    const dead = t.platform.bus.messages(CASE_EVENTS_DLT).length;
    await t.platform.bus.publish([{ topic: CASE_EVENTS_TOPIC, key: event.caseId, value: encodeEvent(event) }]);
    await dataSourceOf('reporting').query('DROP TRIGGER refuse_case');
    const letters = t.platform.bus.messages(CASE_EVENTS_DLT).slice(dead);
    expect(letters.map((m) => JSON.parse(m.value).group)).toEqual(['reporting']);
    expect(lines.filter((l) => l.includes(`${event.eventId} failed (attempt`)).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.includes('projection rejected') && l.includes('450302********122X'))).toBe(true);
    expect(leaksIn(letters[0].value)).toEqual([]);
  });

  it('finds no identity number, mobile or landline in any line it captured', () => {
    const leaks = lines.map((line) => ({ line, leaks: leaksIn(line) })).filter((l) => l.leaks.length);
    expect(leaks).toEqual([]);
  });
});

function registeredPayload() {
  const now = new Date().toISOString();
  return {
    trackingNo: 'XF20241201ABCDEF12',
    contact: { contactId: newId(), channel: 'visit' as const, receivedAt: now, enteredAt: now, headcount: petitioners.length },
    petitioners: petitioners.map((p) => ({ name: p.name, idNumber: p.idNumber ?? null, phone: p.phone ?? null, address: p.address ?? null })),
    purpose: 'appeal' as const,
    category: 'urban-rural-construction',
    summary: '补贴未发放',
    content: `联系电话 ${MOBILE}，座机 ${LANDLINE}，身份证 ${ID18}`,
    groupVisit: false,
    backlog: false,
  };
}
