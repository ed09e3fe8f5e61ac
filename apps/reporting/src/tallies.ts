import type { EntityManager } from 'typeorm';
import { AUTHORITIES, CHANNELS, PURPOSES } from '#libs/contracts';
import { addDays, toLocalDate } from '#libs/regulation';
import { ALWAYS, SATISFIED_RATINGS } from './read-model.js';
import { COUNTERS, KEY_COLUMNS, type Counter } from './tally-counters.js';
import { asDate } from './read-model-refresh.js';
import { insertRows } from '#libs/persistence';

/**
 * The reports' counters (rpt_tally): what the summary and the breakdowns add up, kept by the
 * projection as the cases change, so that a report reads a few thousand counter rows instead of
 * every case of its period — its cost grows with the number of days × groups, not with the
 * number of cases.
 *
 * Each case contributes to counters keyed by the office-time day of one of its instants (the
 * day it was received, closed, evaluated; the last day of a deadline); a figure that needs two
 * instants of the same case (received in the period *and* closed by its end) is counted on
 * pairs of days. A case's contributions are a function of its row alone (and of its contacts
 * and acts), never of the time: what depends on the time (an evaluation window that has run out
 * by now, overdue now) is a comparison of a counted day with today, made by the query. So when
 * an event changes a case, the projection takes away what the case contributed before and adds
 * what it contributes after (`TallyDelta`); the figures from the counters are those of
 * figures.ts's conditions over the cases, which the scan path (and the tests) still compute.
 *
 * Rollups: every counter is kept once per rollup. Unit and category have many values (tens of
 * units, about eighty second-level categories); channel, assigning authority and purpose few (5, 4
 * with none, 3: at most 60 combinations). So there are two kinds: exact rollups for what the
 * dashboard reads most — the whole, per unit, per category — and wide ones that carry all three
 * small dimensions in their key — the small dimensions alone ('w'), and with the unit ('uw'), the
 * category ('cw') or both ('ucw'). Every combination of filters and grouping has a rollup: the
 * smallest that has its dimensions, the small dimensions it does not filter on summed by the query
 * (at most 60 rows per day and group). A report therefore reads days × groups rows, never the cases.
 */

export type Dim = 'unit' | 'category' | 'channel' | 'authority' | 'purpose';

const SMALL: readonly Dim[] = ['channel', 'authority', 'purpose'];
export const ROLLUPS: readonly { id: string; dims: readonly Dim[] }[] = [
  { id: 'all', dims: [] },
  { id: 'u', dims: ['unit'] },
  { id: 'c', dims: ['category'] },
  { id: 'w', dims: SMALL },
  { id: 'uw', dims: ['unit', ...SMALL] },
  { id: 'cw', dims: ['category', ...SMALL] },
  { id: 'ucw', dims: ['unit', 'category', ...SMALL] },
];
const ROLLUP_KEYS = ROLLUPS.map((r) => ({
  id: r.id,
  unit: r.dims.includes('unit'),
  category: r.dims.includes('category'),
  channel: r.dims.includes('channel'),
  authority: r.dims.includes('authority'),
  purpose: r.dims.includes('purpose'),
}));

/**
 * The kinds of counter rows: 'D' one day (d1); pairs of months of one case (d1, d2 'YYYY-MM'):
 * 'RC' received, closed; 'HC' handling period's last day, closed. Pairs are kept by month (a case
 * closes within a few months: a handful of rows per group and month); the days of the months a
 * period covers only in part are counted from the case rows by the query (few: bounded by a
 * month's cases, found by index).
 */
export type TallyKind = 'D' | 'RC' | 'HC';

export { COUNTERS, KEY_COLUMNS, type Counter } from './tally-counters.js';

/** What a case is grouped by ('' for none: no unit yet, not assigned from above). */
export interface TallyDims {
  unit: string;
  category: string;
  categoryTop: string;
  channel: string;
  authority: string;
  purpose: string;
}

/** The case columns the counters are computed from (a row of rpt_case as the entity or a raw query gives it). */
export interface TallyCase {
  unitCode: string | null;
  category: string;
  categoryTop: string;
  channel: string;
  authority: string | null;
  purpose: string;
  backlog: boolean;
  status: string;
  receivedAt: Date;
  closedAt: Date | null;
  closureKind: string | null;
  dataError: string | null;
  acceptanceDueAt: Date | null;
  acceptanceMet: boolean;
  handlingDueAt: Date | null;
  evaluationDueAt: Date | null;
  evaluationWindow: string | null;
  evaluatedAt: Date | null;
  evaluationRating: string | null;
  reviewRequested: boolean;
  firstRepeatAt: Date | null;
  comeBackBy: Date | null;
  overdueFrom: Date | null;
}

/** The columns of rpt_case a TallyCase is read from. */
export const TALLY_CASE_COLUMNS = [
  'id',
  'unitCode',
  'category',
  'categoryTop',
  'channel',
  'authority',
  'purpose',
  'backlog',
  'status',
  'receivedAt',
  'closedAt',
  'closureKind',
  'dataError',
  'acceptanceDueAt',
  'acceptanceMet',
  'handlingDueAt',
  'evaluationDueAt',
  'evaluationWindow',
  'evaluatedAt',
  'evaluationRating',
  'reviewRequested',
  'firstRepeatAt',
  'comeBackBy',
  'overdueFrom',
] as const;

/** A raw row (SQLite text datetimes, 0/1 booleans) or an entity as a TallyCase. */
export function tallyCaseOf(r: Record<string, unknown>): TallyCase {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    unitCode: s(r.unitCode),
    category: String(r.category ?? ''),
    categoryTop: String(r.categoryTop ?? ''),
    channel: String(r.channel ?? ''),
    authority: s(r.authority),
    purpose: String(r.purpose ?? ''),
    backlog: !!Number(r.backlog),
    status: String(r.status ?? ''),
    receivedAt: asDate(r.receivedAt)!,
    closedAt: asDate(r.closedAt),
    closureKind: s(r.closureKind),
    dataError: s(r.dataError),
    acceptanceDueAt: asDate(r.acceptanceDueAt),
    acceptanceMet: !!Number(r.acceptanceMet),
    handlingDueAt: asDate(r.handlingDueAt),
    evaluationDueAt: asDate(r.evaluationDueAt),
    evaluationWindow: s(r.evaluationWindow),
    evaluatedAt: asDate(r.evaluatedAt),
    evaluationRating: s(r.evaluationRating),
    reviewRequested: !!Number(r.reviewRequested),
    firstRepeatAt: asDate(r.firstRepeatAt),
    comeBackBy: asDate(r.comeBackBy),
    overdueFrom: asDate(r.overdueFrom),
  };
}

/** Whether two TallyCases count alike (every field equal; instants by their time). */
export function sameTallyCase(a: TallyCase, b: TallyCase): boolean {
  for (const k of Object.keys(a) as (keyof TallyCase)[]) {
    const x = a[k];
    const y = b[k];
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date && y instanceof Date && x.getTime() === y.getTime())) return false;
    } else if (x !== y) return false;
  }
  return true;
}

export function dimsOf(c: Pick<TallyCase, 'unitCode' | 'category' | 'categoryTop' | 'channel' | 'authority' | 'purpose'>): TallyDims {
  return { unit: c.unitCode ?? '', category: c.category, categoryTop: c.categoryTop, channel: c.channel, authority: c.authority ?? '', purpose: c.purpose };
}

export const sameDims = (a: TallyDims, b: TallyDims) =>
  a.unit === b.unit && a.category === b.category && a.categoryTop === b.categoryTop && a.channel === b.channel && a.authority === b.authority && a.purpose === b.purpose;

/** One contribution: `n` to `counter` of the row (kind, d1, d2); `channel` when it counts by its own channel (a contact). */
interface Cell {
  kind: TallyKind;
  d1: string;
  d2: string;
  counter: Counter;
  n: number;
  channel?: string;
}

/**
 * The day an instant falls on, in office time, and the day a due instant falls due on: a
 * deadline runs "至 X 24 时止", its due instant is the first instant after its last day X, and
 * it falls due in a period when X is in it (figures.ts: start < due ≤ end).
 */
const dayOf = (t: Date, tz: string) => toLocalDate(t, tz);
const dueDayOf = (t: Date, tz: string) => toLocalDate(new Date(t.getTime() - 1), tz);

/** What a case (its row) contributes, figures.ts's conditions one by one. */
export function caseCells(c: TallyCase, tz: string): Cell[] {
  const cells: Cell[] = [];
  const day = (kind: TallyKind, d1: string, counter: Counter, d2 = '') => cells.push({ kind, d1, d2, counter, n: 1 });
  const computable = c.dataError === null;
  const R = dayOf(c.receivedAt, tz);
  day('D', R, 'recv');
  if (c.authority && (AUTHORITIES as readonly string[]).includes(c.authority)) {
    day('D', R, `asg_${c.authority}` as Counter);
    if (c.backlog) day('D', R, `asgbl_${c.authority}` as Counter);
  }
  const closedOnTime = !!c.closedAt && computable && (!c.handlingDueAt || c.closedAt.getTime() <= c.handlingDueAt.getTime());
  if (c.closedAt) {
    const C = dayOf(c.closedAt, tz);
    day('D', C, 'closed');
    if (c.closureKind === 'substantive') day('D', C, 'closedSub');
    if (c.closureKind === 'procedural') day('D', C, 'closedProc');
    if (c.status === 'diverted') day('D', C, 'closedDiv');
    if (closedOnTime) day('D', C, 'closedOnTime');
    const firstTime = c.closureKind === 'substantive' && computable && !c.reviewRequested && (!c.firstRepeatAt || (!!c.comeBackBy && c.firstRepeatAt.getTime() > c.comeBackBy.getTime()));
    if (firstTime) day('D', C, 'firstTime');
    // received in the period and closed by its end (resolution; the assigned cases' resolution by kind)
    const [Rm, Cm] = [R.slice(0, 7), C.slice(0, 7)];
    day('RC', Rm, 'rc', Cm);
    if (c.closureKind === 'substantive') day('RC', Rm, 'rcSub', Cm);
    if (c.authority && (AUTHORITIES as readonly string[]).includes(c.authority) && (c.closureKind === 'substantive' || c.closureKind === 'procedural')) {
      const k = c.closureKind === 'substantive' ? 'sub' : 'proc';
      day('RC', Rm, `asgres_${c.authority}_${k}` as Counter, Cm);
      if (c.backlog) day('RC', Rm, `asgblres_${c.authority}_${k}` as Counter, Cm);
    }
    if (c.handlingDueAt) day('HC', dueDayOf(c.handlingDueAt, tz).slice(0, 7), 'hc', Cm);
  }
  if (c.acceptanceDueAt) {
    const A = dueDayOf(c.acceptanceDueAt, tz);
    day('D', A, 'accDue');
    if (c.acceptanceMet) day('D', A, 'accMet');
  }
  if (c.handlingDueAt) {
    const H = dueDayOf(c.handlingDueAt, tz);
    day('D', H, 'hDue');
    if (closedOnTime) day('D', H, 'hDueOnTime');
  }
  if (c.evaluatedAt) {
    const E = dayOf(c.evaluatedAt, tz);
    day('D', E, 'evaluated');
    if (c.evaluationRating && (SATISFIED_RATINGS as readonly string[]).includes(c.evaluationRating)) day('D', E, 'evalSat');
  } else if (c.evaluationDueAt && (c.evaluationWindow === 'moot' || c.evaluationWindow === 'open')) {
    // A window that ran out unused (moot, or open and past its last day by now: the query compares the day with today).
    day('D', dueDayOf(c.evaluationDueAt, tz), c.evaluationWindow === 'moot' ? 'evalMoot' : 'evalOpen');
  }
  // Overdue whatever the time (a breach the history settled), by the received day. Those overdue from a due instant (an
  // open obligation) are overdue from then on: few (the open cases past a deadline), counted from the case rows by the query.
  if (computable && c.overdueFrom && c.overdueFrom.getTime() === ALWAYS.getTime()) day('D', R, 'ovdSettled');
  return cells;
}

export interface TallyContact {
  channel: string;
  receivedAt: Date;
  headcount: number;
  repeat: boolean;
}

export function contactCells(k: TallyContact, tz: string): Cell[] {
  const d1 = dayOf(k.receivedAt, tz);
  const cells: Cell[] = [
    { kind: 'D', d1, d2: '', counter: 'contacts', n: 1, channel: k.channel },
    { kind: 'D', d1, d2: '', counter: 'persons', n: k.headcount, channel: k.channel },
  ];
  if (k.repeat) cells.push({ kind: 'D', d1, d2: '', counter: 'contactsRepeat', n: 1, channel: k.channel });
  if ((CHANNELS as readonly string[]).includes(k.channel)) cells.push({ kind: 'D', d1, d2: '', counter: `ch_${k.channel}` as Counter, n: 1, channel: k.channel });
  return cells;
}

export interface TallyAct {
  kind: string;
  mode: string | null;
  automatic: boolean;
  at: Date;
}

export function actCells(a: TallyAct, tz: string): Cell[] {
  const counter: Counter | null =
    a.kind === 'routed' ? (a.mode === 'transfer' ? 'actTransfer' : a.mode === 'assign' ? 'actAssign' : null) : a.kind === 'supervised' ? (a.automatic ? 'actAuto' : 'actManual') : null;
  return counter ? [{ kind: 'D', d1: dayOf(a.at, tz), d2: '', counter, n: 1 }] : [];
}

interface RowDelta {
  categoryTop: string;
  counters: Map<Counter, number>;
}

/**
 * Changes to the counters, added up by row before they are written: the projection takes away
 * what a case contributed before an event and adds what it contributes after; a batch of events
 * writes them in one statement.
 */
export class TallyDelta {
  private readonly rows = new Map<string, RowDelta>();

  constructor(private readonly tz: string) {}

  get size(): number {
    return this.rows.size;
  }

  /** `sign` × the cells, in every rollup, under the case's dims (a contact's under its own channel). */
  add(cells: Cell[], dims: TallyDims, sign: 1 | -1): void {
    for (const cell of cells) {
      const channel = cell.channel ?? dims.channel;
      for (const r of ROLLUP_KEYS) {
        // The key without building an array per rollup and cell (a batch adds tens of thousands).
        const k = `${r.id}\u0001${r.unit ? dims.unit : ''}\u0001${r.category ? dims.category : ''}\u0001${r.channel ? channel : ''}\u0001${r.authority ? dims.authority : ''}\u0001${r.purpose ? dims.purpose : ''}\u0001${cell.d1}\u0001${cell.kind}\u0001${cell.d2}`;
        let row = this.rows.get(k);
        if (!row) this.rows.set(k, (row = { categoryTop: r.category ? dims.categoryTop : '', counters: new Map() }));
        row.counters.set(cell.counter, (row.counters.get(cell.counter) ?? 0) + sign * cell.n);
      }
    }
  }

  case(c: TallyCase, sign: 1 | -1): void {
    this.add(caseCells(c, this.tz), dimsOf(c), sign);
  }

  contact(k: TallyContact, dims: TallyDims, sign: 1 | -1): void {
    this.add(contactCells(k, this.tz), dims, sign);
  }

  act(a: TallyAct, dims: TallyDims, sign: 1 | -1): void {
    this.add(actCells(a, this.tz), dims, sign);
  }

  /** Adds another delta's changes to this one. */
  merge(other: TallyDelta): void {
    for (const [k, r] of other.rows) {
      const mine = this.rows.get(k);
      if (!mine) this.rows.set(k, { categoryTop: r.categoryTop, counters: new Map(r.counters) });
      else for (const [c, n] of r.counters) mine.counters.set(c, (mine.counters.get(c) ?? 0) + n);
    }
  }

  /**
   * Writes the changes: rows that do not exist yet are inserted, the others added to, in the
   * primary key's order (two writers never wait on each other in opposite orders), a few hundred
   * rows per statement. Changes that cancel out are not written.
   */
  async flush(m: EntityManager): Promise<void> {
    const rows = [...this.rows]
      .map(([k, r]) => ({ key: k.split('\u0001'), categoryTop: r.categoryTop, counters: new Map([...r.counters].filter(([, n]) => n !== 0)) }))
      .filter((r) => r.counters.size > 0)
      .sort((a, b) => compareKeys(a.key, b.key));
    this.rows.clear();
    for (let i = 0; i < rows.length; i += 300) {
      const chunk = rows.slice(i, i + 300);
      // Only the counters the chunk changes (a row's update costs the database per column).
      const used = COUNTERS.filter((c) => chunk.some((r) => r.counters.has(c)));
      const records = chunk.map((r) => {
        const rec: Record<string, unknown> = {};
        KEY_COLUMNS.forEach((c, k) => (rec[c] = r.key[k]));
        rec.categoryTop = r.categoryTop;
        for (const c of used) rec[c] = r.counters.get(c) ?? 0;
        return rec;
      });
      // By the table's name: the migration that creates the table fills it through this too. Not
      // prepared: the set of columns differs from one chunk to the next.
      await insertRows(m, { table: 'rpt_tally' }, records, { onConflict: { key: KEY_COLUMNS, add: used }, prepare: false });
    }
  }
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The counters again from the case rows, their contacts and acts (plain SQL: also runs inside a
 * migration): after the table was added, and whenever the derived columns were derived again.
 */
export async function retally(m: EntityManager, tz: string, opts: { batch?: number; onProgress?: (done: number) => void } = {}): Promise<number> {
  const batch = opts.batch ?? 1000;
  const q = (c: string) => m.connection.driver.escape(c);
  await m.query('DELETE FROM rpt_tally');
  let after = '';
  let done = 0;
  for (;;) {
    const rows = (await m.query(`SELECT ${TALLY_CASE_COLUMNS.map(q).join(', ')} FROM rpt_case WHERE id > ? ORDER BY id LIMIT ${Number(batch)}`, [after])) as Record<string, unknown>[];
    if (!rows.length) break;
    const ids = rows.map((r) => String(r.id));
    const marks = ids.map(() => '?').join(', ');
    const contacts = (await m.query(`SELECT caseId, channel, receivedAt, headcount, ${q('repeat')} AS rep FROM rpt_contact WHERE caseId IN (${marks})`, ids)) as Record<string, unknown>[];
    const acts = (await m.query(`SELECT caseId, kind, mode, automatic, ${q('at')} AS at FROM rpt_act WHERE caseId IN (${marks})`, ids)) as Record<string, unknown>[];
    const delta = new TallyDelta(tz);
    const dims = new Map<string, TallyDims>();
    for (const r of rows) {
      const c = tallyCaseOf(r);
      dims.set(String(r.id), dimsOf(c));
      delta.case(c, 1);
    }
    for (const k of contacts) delta.contact({ channel: String(k.channel), receivedAt: asDate(k.receivedAt)!, headcount: Number(k.headcount), repeat: !!Number(k.rep) }, dims.get(String(k.caseId))!, 1);
    for (const a of acts) delta.act({ kind: String(a.kind), mode: a.mode === null ? null : String(a.mode), automatic: !!Number(a.automatic), at: asDate(a.at)! }, dims.get(String(a.caseId))!, 1);
    await delta.flush(m);
    done += rows.length;
    opts.onProgress?.(done);
    after = ids[ids.length - 1];
  }
  return done;
}

/** The filters of a report (reporting-queries.service.ts SummaryParams) the counters can answer. */
export interface TallyQuery {
  from: string;
  to: string;
  unitCode?: string;
  noUnit?: boolean;
  authority?: string;
  noAuthority?: boolean;
  channel?: string;
  purpose?: string;
  category?: string;
}

export type TallyGroup = 'unit' | 'category' | 'channel' | 'authority';

/**
 * The smallest rollup that has the report's filters and grouping (the exact ones first: a unit's
 * summary reads 'u', not 'uw'). Every combination has one — 'ucw' has every dimension —; null only
 * for a dimension no rollup has (none now: the report would then scan the cases).
 */
export function rollupFor(p: TallyQuery, group?: TallyGroup): (typeof ROLLUPS)[number] | null {
  const need = new Set<Dim>();
  if (p.unitCode || p.noUnit) need.add('unit');
  if (p.authority || p.noAuthority) need.add('authority');
  if (p.channel) need.add('channel');
  if (p.purpose) need.add('purpose');
  if (p.category) need.add('category');
  if (group) need.add(group);
  return ROLLUPS.filter((r) => [...need].every((d) => r.dims.includes(d))).sort((a, b) => a.dims.length - b.dims.length)[0] ?? null;
}

/**
 * Every figure of figures.ts (numerator and denominator), the contacts' persons and channels, the
 * acts and the cases with a settled breach among those received, added up from the counters of the period
 * — per group when `group` is given — in the shape the scan gives them (reporting-queries.service.ts
 * `counts`). `today`: the office's date now (a window or deadline whose last day is before it has
 * run out). Null when no rollup has the filters (none now, rollupFor).
 */
export async function tallyCounts(
  m: EntityManager,
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  p: TallyQuery,
  today: string,
  scan: CaseScan,
  group?: TallyGroup,
): Promise<Map<string, Map<string, number>> | null> {
  const rollup = rollupFor(p, group);
  if (!rollup) return null;
  const q = (c: string) => m.connection.driver.escape(c);
  const where: string[] = ['rollup = ?'];
  const params: unknown[] = [rollup.id];
  const eq = (col: string, v: string) => (where.push(`${q(col)} = ?`), params.push(v));
  if (p.unitCode) eq('unitCode', p.unitCode);
  if (p.noUnit) eq('unitCode', '');
  if (!rollup.dims.includes('channel')) {
    // (A wide rollup's small dimensions: below, with the values of those it does not fix.)
    if (p.authority) eq('authority', p.authority);
    if (p.noAuthority) eq('authority', '');
    if (p.channel) eq('channel', p.channel);
    if (p.purpose) eq('purpose', p.purpose);
  }
  // The key columns the rollup does not have are '' in its rows: saying so lets the primary key's
  // range reach the filtered columns after them (a unit × channel read: rollup, unit, '', channel).
  for (const [dim, col] of [
    ['unit', 'unitCode'],
    ['category', 'category'],
    ['channel', 'channel'],
    ['authority', 'authority'],
    ['purpose', 'purpose'],
  ] as const) {
    if (!rollup.dims.includes(dim)) where.push(`${q(col)} = ''`);
  }
  if (rollup.dims.includes('channel')) {
    // A wide rollup: each small dimension the report does not fix is listed with every value it can
    // take (IN; the event schemas admit no other: @IsIn of CHANNELS, AUTHORITIES, PURPOSES, '' for none),
    // and a first-level category with its second-level codes, so that the primary key's ranges end in
    // the period's days instead of reading every day of every group.
    const inList = (col: string, values: readonly string[]) => (where.push(`${q(col)} IN (${values.map(() => '?').join(', ')})`), params.push(...values));
    if (rollup.dims.includes('category') && p.category) {
      // The codes counted under the filter, from the category rollup (at most its codes × the days kept,
      // whatever the number of cases), and the filter's own code (a case may carry the first level alone).
      const codes = (
        (await query("SELECT DISTINCT category AS v FROM rpt_tally WHERE rollup = 'c' AND unitCode = '' AND (category = ? OR category LIKE ?)", [p.category, `${p.category}.%`])) as { v: unknown }[]
      ).map((r) => String(r.v));
      inList('category', [...new Set([p.category, ...codes])]);
    }
    if (p.channel) eq('channel', p.channel);
    else inList('channel', CHANNELS);
    if (p.authority) eq('authority', p.authority);
    else if (p.noAuthority) eq('authority', '');
    else inList('authority', ['', ...AUTHORITIES]);
    if (p.purpose) eq('purpose', p.purpose);
    else inList('purpose', PURPOSES);
  } else {
    if (p.category) {
      where.push(`(category = ? OR category LIKE ?)`);
      params.push(p.category, `${p.category}.%`);
    }
  }
  const groupExpr = group ? { unit: 'unitCode', category: 'categoryTop', channel: 'channel', authority: 'authority' }[group] : null;
  const select = (sums: [string, string][], kinds: string, range: [string, string], pre: unknown[]) =>
    query(
      `SELECT ${groupExpr ? `${groupExpr} AS g, ` : ''}${sums.map(([a, e]) => `SUM(${e}) AS ${q(a)}`).join(', ')} FROM rpt_tally WHERE ${where.join(' AND ')} AND kind IN (${kinds}) AND d1 >= ? AND d1 <= ?${groupExpr ? ` GROUP BY ${groupExpr}` : ''}`,
      [...pre, ...params, ...range],
    );
  const when = (cond: string, col: string) => `CASE WHEN ${cond} THEN ${q(col)} ELSE 0 END`;
  const out = new Map<string, Map<string, number>>();
  const add = (rows: Record<string, unknown>[]) => {
    for (const r of rows) {
      // The case scans name groups as the breakdown does ('unassigned', 'none'); the counters keep ''.
      const g = group ? String(r.g ?? '') || (group === 'unit' ? 'unassigned' : group === 'authority' ? 'none' : '') : '';
      const f = out.get(g) ?? out.set(g, new Map()).get(g)!;
      for (const [k, v] of Object.entries(r)) if (k !== 'g') f.set(k, (f.get(k) ?? 0) + Number(v ?? 0));
    }
  };
  const addScan = (r: Map<string, Map<string, number>>) => {
    for (const [g, x] of r) {
      const key = group ? g : '';
      const f = out.get(key) ?? out.set(key, new Map()).get(key)!;
      for (const [k, v] of x) f.set(k, (f.get(k) ?? 0) + v);
    }
  };

  // One day: every counter of the D rows of the period (an open evaluation window has run out when its last day is before today).
  const daily = COUNTERS.filter((c) => !PAIR_COUNTERS.has(c)).map((c): [string, string] => [c, c === 'evalOpen' ? when('d1 < ?', c) : q(c)]);
  add(await select(daily, "'D'", [p.from, p.to], [today]));

  // Pairs: the whole months of the period from the month rows, the days of the months it covers in part from the cases.
  const { core, edges } = splitPeriod(p.from, p.to);
  const pairs = [...PAIR_COUNTERS].filter((c) => c !== 'hc');
  const toWhole = isLastOfMonth(p.to);
  const fromWhole = p.from.endsWith('-01');
  if (core) {
    // received in a whole month of the period, closed in a month that ends by its end; due in one, closed in one (or before its first month)
    const lastWholeByEnd = toWhole ? p.to.slice(0, 7) : prevMonth(p.to.slice(0, 7));
    add(
      await select(
        [
          ...pairs.map((c): [string, string] => [c, when("kind = 'RC' AND d2 <= ?", c)]),
          ['hcIn', when("kind = 'HC' AND d2 >= ? AND d2 <= ?", 'hc')],
          ['hcBefore', when("kind = 'HC' AND d2 < ?", 'hc')],
        ],
        "'RC', 'HC'",
        [core.from, core.to],
        [...pairs.map(() => lastWholeByEnd), core.from, core.to, p.from.slice(0, 7)],
      ),
    );
  }
  const resolvedSums = Object.fromEntries(pairs.map((c) => [c, PAIR_SQL[c]]));
  // Received on the days of a part-covered month: closed by the period's end.
  for (const [a, b] of edges) addScan(await scan({ received: [a, b] }, 'byEnd', resolvedSums));
  // Due on such days: closed in the period, or before it.
  for (const [a, b] of edges) addScan(await scan({ due: [a, b] }, null, { hcIn: 'c.closedAt >= :start AND c.closedAt < :end', hcBefore: 'c.closedAt < :start' }));
  if (core) {
    // Received or due in a whole month, closed on the days of a part-covered month (for 'before': of the period's first month, before it).
    const whole: [string, string] = [`${core.from}-01`, lastOfMonth(core.to)];
    if (!toWhole) addScan(await scan({ received: whole }, [`${p.to.slice(0, 7)}-01`, p.to], resolvedSums));
    for (const [a, b] of edges) addScan(await scan({ due: whole }, [a, b], { hcIn: '1 = 1' }));
    if (!fromWhole) addScan(await scan({ due: whole }, [`${p.from.slice(0, 7)}-01`, addDays(p.from, -1)], { hcBefore: '1 = 1' }));
  }

  const result = new Map<string, Map<string, number>>();
  for (const [g0, r] of out) {
    const v = (k: string) => r.get(k) ?? 0;
    const g = g0;
    const f = new Map<string, number>();
    const set = (name: string, num: number, den?: number) => (f.set(`${name}:numerator`, num), den !== undefined && f.set(`${name}:denominator`, den));
    set('received', v('recv'));
    set('contacts', v('contacts'));
    set('closed', v('closed'));
    set('closedSubstantive', v('closedSub'));
    set('closedProcedural', v('closedProc'));
    set('closedDiverted', v('closedDiv'));
    set('closedOnTime', v('closedOnTime'));
    set('timelyAcceptance', v('accMet'), v('accDue'));
    set('onTimeClosure', v('hDueOnTime'), v('hDue'));
    // due in the period or closed in it; of those, closed by its end: closed in it, or due in it and closed before it
    set('closure', v('closed') + v('hcBefore'), v('closed') + v('hDue') - v('hcIn'));
    set('resolution', v('rc'), v('recv'));
    set('substantiveResolution', v('rcSub'), v('recv'));
    set('satisfaction', v('evalSat'), v('evaluated'));
    set('participation', v('evaluated'), v('evaluated') + v('evalMoot') + v('evalOpen'));
    set('repeat', v('contactsRepeat'), v('contacts'));
    set('firstTimeResolution', v('firstTime'), v('closed'));
    for (const a of AUTHORITIES) {
      for (const bl of ['', '.backlog']) {
        const res = (k: string) => v(`${bl ? 'asgblres' : 'asgres'}_${a}_${k}`);
        set(`assigned.${a}${bl}`, res('sub') + res('proc'), v(`${bl ? 'asgbl' : 'asg'}_${a}`));
        f.set(`assigned.${a}${bl}:substantive`, res('sub'));
        f.set(`assigned.${a}${bl}:procedural`, res('proc'));
      }
    }
    f.set('persons', v('persons'));
    for (const ch of CHANNELS) f.set(`channel:${ch}`, v(`ch_${ch}`));
    f.set('act:transfer', v('actTransfer'));
    f.set('act:assign', v('actAssign'));
    f.set('act:manual', v('actManual'));
    f.set('act:automatic', v('actAuto'));
    // Of the cases received in the period, those overdue whatever the time; the caller adds those overdue from a due instant now past.
    f.set('overdueSettled', v('ovdSettled'));
    result.set(g, f);
  }
  return result;
}

/** The counters kept by pairs of months. */
const PAIR_COUNTERS = new Set<string>(COUNTERS.filter((c) => c === 'rc' || c === 'rcSub' || c === 'hc' || c.startsWith('asgres_') || c.startsWith('asgblres_')));

/** The received-and-closed pair counters as conditions over a case row (c), for the days the month rows do not cover. */
const PAIR_SQL: Record<string, string> = Object.fromEntries(
  [...PAIR_COUNTERS]
    .filter((c) => c !== 'hc')
    .map((c) => {
      if (c === 'rc') return [c, '1 = 1'];
      if (c === 'rcSub') return [c, "c.closureKind = 'substantive'"];
      const [, a, k] = c.split('_');
      return [c, `c.authority = '${a}' AND c.closureKind = '${k === 'sub' ? 'substantive' : 'procedural'}'${c.startsWith('asgbl') ? ' AND c.backlog = 1' : ''}`];
    }),
);

/**
 * Counts over the case rows of the report (its filters and grouping, reporting-queries.service.ts):
 * those received (`received`, the instants of those days) or due (`due`, a handling period whose
 * last day is one of those days) on days [first, last], closed by the period's end ('byEnd') or
 * on days [first, last]; each sum a condition over c, per group.
 */
export type CaseScan = (
  x: { received: [string, string] } | { due: [string, string] },
  closed: 'byEnd' | [string, string] | null,
  sums: Record<string, string>,
) => Promise<Map<string, Map<string, number>>>;

const nextMonth = (m: string) => addDays(`${m}-28`, 4).slice(0, 7);
const prevMonth = (m: string) => addDays(`${m}-01`, -1).slice(0, 7);
const lastOfMonth = (m: string) => addDays(`${nextMonth(m)}-01`, -1);
const isLastOfMonth = (d: string) => d === lastOfMonth(d.slice(0, 7));

/** A period as the whole months it covers (the core, 'YYYY-MM' first and last) and the days of the months it covers in part. */
export function splitPeriod(from: string, to: string): { core: { from: string; to: string } | null; edges: [string, string][] } {
  const first = from.endsWith('-01') ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
  const last = isLastOfMonth(to) ? to.slice(0, 7) : prevMonth(to.slice(0, 7));
  if (first > last) return { core: null, edges: from <= to ? [[from, to]] : [] };
  const edges: [string, string][] = [];
  if (`${first}-01` > from) edges.push([from, addDays(`${first}-01`, -1)]);
  if (lastOfMonth(last) < to) edges.push([`${nextMonth(last)}-01`, to]);
  return { core: { from: first, to: last }, edges };
}
