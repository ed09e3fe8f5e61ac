/**
 * A realistic event history of petition cases (信访件), as the platform's services publish it:
 * the envelopes of libs/contracts (createEvent's shape), petitioners sealed as intake seals them,
 * deadline events computed from each case's own facts with the regulation's assessDeadlines (as
 * the deadline service does), streamed in time order (cases interleaved, as on the topic).
 *
 * Deterministic for a seed (ids excepted: newId draws its own random bits).
 */
import { newId, type PiiKeyring } from '#libs/common';
import {
  AUTHORITIES,
  BUNDLED_CATEGORIES,
  CHANNELS,
  DECLINE_REASONS,
  LATEST_VERSION,
  OUTCOMES,
  PROCEDURES,
  PURPOSES,
  type Actor,
  type Authority,
  type CaseRegisteredV1,
  type Channel,
  type EventEnvelope,
  type EventPayloads,
  type EventType,
} from '#libs/contracts';
import { assessDeadlines, toLocalDate, type CaseFact, type DeadlinePolicy, type PrcCalendar } from '#libs/regulation';
import { sealPetitioner } from '../../apps/intake/src/petitioner-pii.js';

export const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
const TZ_OFFSET = 8 * HOUR; // Asia/Shanghai, no DST

export const HISTORY_START = Date.parse('2023-01-01T00:00:00+08:00');
export const HISTORY_END = Date.parse('2026-01-01T00:00:00+08:00'); // exclusive: 2025-12-31 is the last day

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Forty units (责任单位), the first ones much busier (a Zipf-like weight). */
export const UNITS = [
  'housing',
  'labour',
  'public-security',
  'land',
  'health',
  'education',
  'urban-management',
  'civil-affairs',
  'transport',
  'environment',
  'agriculture',
  'market-regulation',
  'social-security',
  'natural-resources',
  'water',
  'finance',
  'taxation',
  'justice',
  'court',
  'procuratorate',
  'culture-tourism',
  'commerce',
  'veterans',
  'emergency',
  'medical-insurance',
  'planning',
  'forestry',
  'statistics',
  'audit',
  'ethnic-religious',
  'district-a',
  'district-b',
  'district-c',
  'district-d',
  'district-e',
  'county-f',
  'county-g',
  'county-h',
  'county-i',
  'dev-zone',
];

function zipf(n: number, s = 0.9): number[] {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const sum = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / sum));
}
const pickCum = (cum: number[], r: number) => {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const SECOND_LEVEL = BUNDLED_CATEGORIES.flatMap((n) => n.children.map((c) => ({ code: c.code, name: `${n.name}·${c.name}` })));
const UNIT_CUM = zipf(UNITS.length);
const CAT_CUM = zipf(SECOND_LEVEL.length, 0.7);
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宁海燕春梅丹鹏飞辉'];
const PHRASES = [
  '反映小区物业服务不到位，多次沟通未果',
  '要求有关部门依法处理并给予答复',
  '相关单位至今未落实此前的处理意见',
  '涉及本人切身利益，恳请领导重视',
  '已向街道反映过，但问题仍未解决',
  '希望尽快核实情况，依法依规处理',
  '诉求人情绪较为激动，要求限期解决',
  '附有相关证明材料复印件若干份',
];

export interface HistoryOptions {
  cases: number;
  seed: number;
  pii: PiiKeyring;
  policy: DeadlinePolicy;
  calendar: PrcCalendar;
  /** The instant the history is seen from: nothing happens after it (open cases stay open). */
  now: Date;
  warnDaysBefore: number[];
}

export interface HistoryStats {
  cases: number;
  events: number;
  byType: Map<string, number>;
  openAtNow: number;
  lateAcceptance: number;
  lateClosure: number;
}

type Ev = EventEnvelope & { at: number; n: number };

/** A binary min-heap of events by (at, n). */
class Heap {
  private a: Ev[] = [];
  get size() {
    return this.a.length;
  }
  peek(): Ev | undefined {
    return this.a[0];
  }
  private less(i: number, j: number) {
    const x = this.a[i];
    const y = this.a[j];
    return x.at < y.at || (x.at === y.at && x.n < y.n);
  }
  push(e: Ev) {
    const a = this.a;
    a.push(e);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Ev | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The history as a stream of envelopes in time order (each case's events in its own order).
 * `stats` fills as the stream is consumed.
 */
export function* history(o: HistoryOptions, stats: HistoryStats): Generator<EventEnvelope> {
  const rnd = prng(o.seed);
  const now = o.now.getTime();
  const span = HISTORY_END - HISTORY_START;
  // Receipts: uniform over the three years, a little busier on working days and office hours (below).
  const receipts = Float64Array.from({ length: o.cases }, () => HISTORY_START + rnd() * span).sort();
  let seq = 0;
  const heap = new Heap();
  const push = (e: EventEnvelope, at: number) => heap.push(Object.assign(e, { at, n: seq++ }));

  // Leadership reception sessions: a leader-day every Wednesday, an appointment day now and then.
  const sessions = new Map<string, string>();
  for (let t = HISTORY_START; t < HISTORY_END; t += DAY) {
    const local = new Date(t + TZ_OFFSET);
    const wd = local.getUTCDay();
    const kind = wd === 3 ? 'leader-day' : wd === 1 && rnd() < 0.25 ? 'appointment' : null;
    if (!kind) continue;
    const date = toLocalDate(new Date(t + 12 * HOUR), 'Asia/Shanghai');
    const id = newId(t);
    sessions.set(date, id);
    push(ev('reception.session-held', id, { kind, leader: `${SURNAMES[Math.floor(rnd() * 40)]}副市长`, date }, actors.office, t + 30 * MIN), t + 30 * MIN);
  }

  const emit = (e: EventEnvelope) => {
    stats.events++;
    stats.byType.set(e.type, (stats.byType.get(e.type) ?? 0) + 1);
    return e;
  };
  for (let i = 0; i < o.cases; i++) {
    const r = receipts[i];
    while (heap.size && heap.peek()!.at <= r) yield emit(strip(heap.pop()!));
    for (const [e, at] of caseHistory(o, rnd, r, now, sessions, stats)) push(e, at);
    stats.cases++;
  }
  while (heap.size) yield emit(strip(heap.pop()!));
}

function strip(e: Ev): EventEnvelope {
  const { at: _a, n: _n, ...rest } = e;
  return rest;
}

const actors = {
  reception: { username: 'reception01', roles: ['reception'], unitCode: null } as Actor,
  office: { username: 'office01', roles: ['office'], unitCode: null } as Actor,
  leader: { username: 'leader01', roles: ['leader'], unitCode: null } as Actor,
  handler: (unitCode: string): Actor => ({ username: `handler-${unitCode}`, roles: ['handler'], unitCode }),
};

function ev<K extends EventType>(type: K, caseId: string, payload: EventPayloads[K], actor: Actor | null, occurredAt: number): EventEnvelope<EventPayloads[K]> {
  const eventId = newId(occurredAt);
  return { eventId, type, version: LATEST_VERSION[type], caseId, occurredAt: new Date(occurredAt).toISOString(), actor, payload, correlationId: eventId };
}

/** The case's events with the instant each is published at (never after `now`). */
function caseHistory(o: HistoryOptions, rnd: () => number, received: number, now: number, sessions: Map<string, string>, stats: HistoryStats): [EventEnvelope, number][] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const between = (a: number, b: number) => a + rnd() * (b - a);
  /** An instant `minDays`–`maxDays` after t, moved into office hours of a weekday (09:00–17:30), never before t + 5 min. */
  const work = (t: number, minDays: number, maxDays: number) => {
    let x = t + between(minDays, maxDays) * DAY;
    const local = new Date(x + TZ_OFFSET);
    const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - TZ_OFFSET;
    x = dayStart + 9 * HOUR + rnd() * 8.5 * HOUR;
    let wd = new Date(x + TZ_OFFSET).getUTCDay();
    while (wd === 0 || wd === 6) {
      x += DAY;
      wd = (wd + 1) % 7;
    }
    return Math.max(x, t + 5 * MIN);
  };
  const out: [EventEnvelope, number][] = [];
  const facts: CaseFact[] = [];
  /** Publishes an event at `at` (its occurredAt a few minutes after the act, as a user enters it), unless it lies past `now`. */
  const add = <K extends EventType>(type: K, payload: EventPayloads[K], actor: Actor | null, at: number, fact?: CaseFact): boolean => {
    const published = at;
    if (published > now) return false;
    out.push([ev(type, caseId, payload, actor, published), published]);
    if (fact) facts.push(fact);
    return true;
  };
  const iso = (t: number) => new Date(t).toISOString();

  const caseId = newId(received);
  const channel: Channel = pick(CHANNELS);
  const unit = UNITS[pickCum(UNIT_CUM, rnd())];
  const cat = SECOND_LEVEL[pickCum(CAT_CUM, rnd())];
  const assigned = chance(0.1);
  const authority: Authority = assigned ? (AUTHORITIES[pickCum([0.2, 0.55, 1], rnd())] as Authority) : 'municipal';
  const receivedOn = toLocalDate(new Date(received), 'Asia/Shanghai');
  const feedbackDueAt = assigned && chance(0.7) ? toLocalDate(new Date(received + Math.round(between(30, 60)) * DAY), 'Asia/Shanghai') : null;
  const persons = chance(0.85) ? 1 : 2 + Math.floor(rnd() * 3);
  const groupVisit = channel === 'visit' && chance(0.05);
  const headcount = groupVisit ? 5 + Math.floor(rnd() * 20) : persons;
  const person = () =>
    sealPetitioner(o.pii, {
      name: pick(SURNAMES) + pick(GIVEN) + (chance(0.5) ? pick(GIVEN) : ''),
      idNumber: chance(0.8)
        ? `3101${String(10 + Math.floor(rnd() * 90))}19${String(50 + Math.floor(rnd() * 50))}0${1 + Math.floor(rnd() * 9)}1${String(Math.floor(rnd() * 10))}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}${chance(0.1) ? 'X' : Math.floor(rnd() * 10)}`
        : null,
      phone: chance(0.9)
        ? `13${Math.floor(rnd() * 1e9)
            .toString()
            .padStart(9, '0')}`
        : null,
      address: chance(0.5) ? `上海市某区某路${1 + Math.floor(rnd() * 999)}号` : null,
    });
  const petitioners = Array.from({ length: persons }, person);
  const content = Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => pick(PHRASES)).join('；') + '。';
  const sessionId = channel === 'visit' && chance(0.3) ? (sessions.get(receivedOn) ?? null) : null;
  const registered: CaseRegisteredV1 = {
    trackingNo: `XF${receivedOn.replaceAll('-', '')}${caseId.slice(-8).toUpperCase()}`,
    contact: { contactId: newId(received), channel, receivedAt: iso(received), enteredAt: iso(received + 2 * MIN), headcount, receptionSessionId: sessionId },
    petitioners: petitioners as CaseRegisteredV1['petitioners'],
    purpose: pick(PURPOSES),
    category: cat.code,
    summary: `关于${cat.name}问题的反映`,
    content,
    groupVisit,
    assignedBy: assigned
      ? { authority, reference: `${authority === 'central' ? '国信' : authority === 'provincial' ? '省信' : '市信'}交〔${receivedOn.slice(0, 4)}〕${1 + Math.floor(rnd() * 999)}号`, feedbackDueAt }
      : null,
    backlog: assigned && chance(0.3),
    priorFinalCase: null,
  };
  add('case.registered', registered, actors.reception, received, { type: 'registered', at: new Date(received), ...(feedbackDueAt ? { feedbackDueDate: feedbackDueAt } : {}) });

  // What the case will do (stalled: stays open whatever the date).
  const stallAfterRoute = chance(0.005);
  const stallAfterAccept = chance(0.015);
  let end = now; // the last act's instant (repeat contacts come before it)
  let closedAt: number | null = null;
  let status: 'open' | 'closed' | 'done' = 'open';
  const stream = () => {
    if (chance(0.015)) {
      const at = work(received, 0.5, 5);
      if (add('case.declined', { reason: pick(DECLINE_REASONS), note: null, declinedAt: iso(at) }, actors.office, at, { type: 'declined', at: new Date(at) })) {
        end = at;
        status = 'done';
      }
      return;
    }
    const lateRoute = chance(0.02);
    let routeAt = work(received, lateRoute ? 16 : 0.1, lateRoute ? 22 : 6);
    const mode = assigned || chance(0.25) ? 'assign' : 'transfer';
    let routedTo = unit;
    const routeFeedback = mode === 'assign' ? (feedbackDueAt ?? (chance(0.3) ? toLocalDate(new Date(routeAt + 45 * DAY), 'Asia/Shanghai') : null)) : null;
    const route = (at: number, u: string) =>
      add('case.routed', { mode, unitCode: u, feedbackDueAt: routeFeedback, routedAt: iso(at) }, actors.office, at, {
        type: 'routed',
        at: new Date(at),
        mode,
        unitCode: u,
        ...(routeFeedback ? { feedbackDueDate: routeFeedback } : {}),
      });
    if (!route(routeAt, routedTo)) return;
    if (chance(0.01)) {
      const at = work(routeAt, 0.5, 3);
      if (!add('case.objected', { unitCode: routedTo, reason: '不属于本单位职责范围', objectedAt: iso(at) }, actors.handler(routedTo), at, { type: 'objected', at: new Date(at) })) return;
      routedTo = UNITS[(UNITS.indexOf(unit) + 1) % UNITS.length];
      routeAt = work(at, 0.5, 3);
      if (!route(routeAt, routedTo)) return;
    }
    if (stallAfterRoute) return;
    const h = actors.handler(routedTo);
    if (chance(0.012)) {
      const at = work(routeAt, 1, 10);
      if (add('case.diverted', { procedure: pick(PROCEDURES), note: '已告知诉求人通过法定途径解决', divertedAt: iso(at) }, h, at, { type: 'diverted', at: new Date(at) })) {
        end = at;
        closedAt = at;
        status = 'done';
      }
      return;
    }
    if (chance(0.008)) {
      const at = work(routeAt, 1, 10);
      if (add('case.declined', { reason: pick(DECLINE_REASONS), note: null, declinedAt: iso(at) }, h, at, { type: 'declined', at: new Date(at) })) {
        end = at;
        status = 'done';
      }
      return;
    }
    const lateAccept = chance(0.05);
    const acceptAt = work(routeAt, lateAccept ? 16 : 0.5, lateAccept ? 25 : 12);
    if (!add('case.accepted', { unitCode: routedTo, acceptedAt: iso(acceptAt) }, h, acceptAt, { type: 'accepted', at: new Date(acceptAt), noticeToServe: true })) return;
    if (lateAccept) stats.lateAcceptance++;
    // The petitioner told (Art. 23): the acceptance notice marked served as it is accepted (a late
    // acceptance is a late notice). No draw from the random stream: the rest of the history stays as it was.
    const servedAt = acceptAt + 10 * MIN;
    const servedOn = new Date(servedAt + TZ_OFFSET).toISOString().slice(0, 10);
    const notice = { kind: 'acceptance-notice', number: `〔${servedOn.slice(0, 4)}〕1号`, servedOn, method: 'in-person' as const, servedAt: iso(servedAt) };
    if (!add('case.document-served', notice, h, servedAt, { type: 'acceptance-notified', at: new Date(servedAt) })) return;
    let ext = 0;
    let extAt = acceptAt;
    if (chance(0.06)) {
      ext = chance(0.5) ? 15 : 30;
      extAt = work(acceptAt, 45, 56);
      if (
        !add(
          'case.extended',
          { days: ext, totalDays: ext, reason: '情况复杂，需进一步调查核实', approvedBy: `${routedTo}负责人`, petitionerNotice: '已电话告知诉求人', extendedAt: iso(extAt) },
          h,
          extAt,
          { type: 'extended', at: new Date(extAt), days: ext },
        )
      )
        return;
    }
    const lateClose = chance(0.07);
    const dueApprox = acceptAt + (60 + ext) * DAY;
    const closeAt = lateClose ? work(dueApprox, 1, 20) : ext ? work(extAt, 0.5, Math.max(1, (dueApprox - 2 * DAY - extAt) / DAY)) : work(acceptAt, 5, 56);
    if (chance(0.03)) {
      const at = between(acceptAt + HOUR, stallAfterAccept ? acceptAt + 40 * DAY : closeAt - HOUR);
      if (!add('case.supervised', { note: '请加快办理进度', automatic: false }, actors.leader, at)) return;
    }
    if (stallAfterAccept) return;
    if (chance(0.01)) {
      const at = work(acceptAt, 5, 40);
      if (add('case.diverted', { procedure: pick(PROCEDURES), note: null, divertedAt: iso(at) }, h, at, { type: 'diverted', at: new Date(at) })) {
        end = at;
        closedAt = at;
        status = 'done';
      }
      return;
    }
    if (lateClose && closeAt > dueApprox + 2 * DAY) {
      const at = dueApprox + DAY + HOUR;
      if (chance(0.7) && !add('case.supervised', { note: '办理期限已届满，系统自动督办', automatic: true }, null, at)) return;
    }
    const substantive = chance(0.85);
    if (
      !add(
        'case.closed',
        { kind: substantive ? 'substantive' : 'procedural', outcome: pick(OUTCOMES), opinion: '经调查核实，已依法依规作出处理，并向诉求人反馈办理结果。', closedAt: iso(closeAt) },
        h,
        closeAt,
        { type: 'closed', at: new Date(closeAt) },
      )
    )
      return;
    if (lateClose) stats.lateClosure++;
    end = closeAt;
    closedAt = closeAt;
    status = 'closed';
    let rating: string | null = null;
    if (chance(0.55)) {
      const at = work(closeAt, 1, 25);
      rating = rnd() < 0.6 ? 'satisfied' : rnd() < 0.6 ? 'basically-satisfied' : 'dissatisfied';
      if (!add('case.evaluated', { rating: rating as 'satisfied', evaluatedAt: iso(at) }, actors.reception, at, { type: 'evaluated', at: new Date(at) })) return;
    }
    if (chance(rating === 'dissatisfied' ? 0.2 : 0.01)) {
      const at = work(closeAt, 3, 26);
      if (!add('case.review-requested', { requestedAt: iso(at) }, actors.reception, at, { type: 'review-requested', at: new Date(at) })) return;
      const op = work(at, 10, 27);
      if (
        !add('case.review-opinion-issued', { kind: 'substantive', outcome: pick(OUTCOMES), opinion: '维持原处理意见。', issuedAt: iso(op) }, actors.office, op, {
          type: 'review-opinion-issued',
          at: new Date(op),
        })
      )
        return;
      if (chance(0.2)) {
        const rq = work(op, 3, 26);
        if (!add('case.re-review-requested', { requestedAt: iso(rq) }, actors.reception, rq, { type: 're-review-requested', at: new Date(rq) })) return;
        const rop = work(rq, 10, 27);
        add('case.re-review-opinion-issued', { kind: 'substantive', outcome: pick(OUTCOMES), opinion: '复核维持。', issuedAt: iso(rop) }, actors.office, rop, {
          type: 're-review-opinion-issued',
          at: new Date(rop),
        });
      }
    }
  };
  stream();
  if (status === 'open') stats.openAtNow++;

  // Repeat contacts (重复信访) while the case is open: intake joins them to it.
  if (chance(0.12)) {
    const until = Math.min(closedAt ?? end, now);
    for (let k = 1 + Math.floor(rnd() * (chance(0.2) ? 4 : 1)); k > 0; k--) {
      const at = between(received + HOUR, until - HOUR);
      if (at <= received) break;
      const ch = chance(0.6) ? channel : pick(CHANNELS);
      add(
        'case.contact-added',
        { contact: { contactId: newId(at), channel: ch, receivedAt: iso(at), enteredAt: iso(at + 2 * MIN), headcount: 1, receptionSessionId: null }, groupVisit: false },
        actors.reception,
        at,
      );
    }
  }

  // The deadline service's events, from the case's own facts (as its recompute and timers produce them).
  const { deadlines } = assessDeadlines(facts, new Date(now), o.policy, o.calendar);
  for (const d of deadlines) {
    if (d.holder === 'petitioner') {
      if (d.state === 'met' && d.metAt) add('deadline.met', { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis }, null, d.metAt.getTime() + 500);
      continue;
    }
    const due = d.dueAt.getTime();
    const settled = d.metAt?.getTime() ?? d.mootAt?.getTime() ?? Infinity;
    for (const daysLeft of o.warnDaysBefore) {
      const at = due - daysLeft * DAY;
      if (at > d.trigger.getTime() && at < settled) add('deadline.warned', { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis, daysLeft }, null, at);
    }
    if (d.state === 'met' && d.metAt) add('deadline.met', { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis }, null, d.metAt.getTime() + 500);
    else if (d.state === 'breached' && due < settled) add('deadline.breached', { kind: d.kind, revision: d.revision, dueAt: d.dueAt.toISOString(), basis: d.basis }, null, due);
  }
  // Each case's events in the order they happened (registration first: the stream starts the case with it).
  out.sort((a, b) => a[1] - b[1]);
  return out;
}
