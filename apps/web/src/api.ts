/** The public HTTP API (../shared/spec/api.md), called with the session's bearer token. */

export interface FieldError {
  field: string;
  messages: string[];
}

/** An error answer of the API: `message` is zh-CN, `code` stable for programs. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'xf.token';
const REFRESH_KEY = 'xf.refresh';
let onUnauthorized: () => void = () => {};
let onPasswordChangeRequired: () => void = () => {};

/** What login, refresh and a password change answer. */
export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
  mustChangePassword: boolean;
}

/**
 * The tab's session: a short-lived access token (15 minutes) and the refresh token that gets the
 * next one. Kept in sessionStorage: gone when the tab closes.
 */
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get refreshToken(): string | null {
    return sessionStorage.getItem(REFRESH_KEY);
  },
  set(tokens: { accessToken: string; refreshToken: string } | null) {
    if (tokens) {
      sessionStorage.setItem(TOKEN_KEY, tokens.accessToken);
      sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(REFRESH_KEY);
    }
  },
  onUnauthorized(fn: () => void) {
    onUnauthorized = fn;
  },
  /** A 403 PASSWORD_CHANGE_REQUIRED: the admin reset the password, the user must set their own first. */
  onPasswordChangeRequired(fn: () => void) {
    onPasswordChangeRequired = fn;
  },
};

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

/**
 * One refresh at a time: every request refused with 401 while it runs waits for the same new
 * token. Answers false when the session cannot be renewed (refresh token spent, expired, ended).
 */
let refreshing: Promise<boolean> | null = null;
function refreshSession(): Promise<boolean> {
  const refreshToken = session.refreshToken;
  if (!refreshToken) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const res = await fetch(url('/auth/refresh'), { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
      if (!res.ok) return false;
      const data = (await res.json()) as SignedIn;
      // signed out meanwhile: do not bring the session back
      if (session.refreshToken !== refreshToken) return false;
      session.set(data);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Calls that are the session's own business: a 401 there is an answer, not an expired token. */
const SESSION_PATHS = /^\/auth\/(login|refresh|logout)$/;

/** A fresh Idempotency-Key: crypto.randomUUID needs a secure context (https, localhost), getRandomValues does not. */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function call(method: string, path: string, opts: { query?: Query; body?: unknown; idempotencyKey?: string; anonymous?: boolean } = {}, retried = false): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // the public door (信访查询) is called without the session's token, whoever is signed in
  const sent = opts.anonymous ? null : session.token;
  if (sent) headers.authorization = `Bearer ${sent}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  // the same key when this call is sent again below (after a token refresh): the server runs it once
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (res.ok) return res;
  let body: { code?: string; message?: string; details?: FieldError[] } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON: keep the status */
  }
  // only the current session's token being refused counts (not a request still in flight from
  // one just signed out): renew it once with the refresh token and send again, else sign out
  if (res.status === 401 && sent && sent === session.token && !SESSION_PATHS.test(path)) {
    if (!retried && (await refreshSession())) return call(method, path, opts, true);
    if (sent === session.token) onUnauthorized();
  }
  if (res.status === 403 && body.code === 'PASSWORD_CHANGE_REQUIRED' && sent && sent === session.token) onPasswordChangeRequired();
  throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? `请求失败（${res.status}）`, Array.isArray(body.details) ? body.details : []);
}

export async function get<T>(path: string, query?: Query): Promise<T> {
  return (await call('GET', path, { query })).json() as Promise<T>;
}

/**
 * 202 Accepted: the command is saved (committed), but the case view does not show it yet (the
 * read model lags or is down). A success: show `message`, go on to the case, refetch later.
 */
export const ACCEPTED_PENDING_VIEW = 202;
export interface PendingView {
  id: string;
  trackingNo?: string | null;
  eventId: string;
  eventIds: string[];
  status: 'accepted-pending-view';
  created?: boolean;
  /** A new case's query code (查询码): shown only in this answer. */
  queryCode?: string | null;
  message: string;
}
export const isPendingView = (res: { status: number; data: unknown }): res is { status: 202; data: PendingView } => res.status === ACCEPTED_PENDING_VIEW;

export async function post<T>(path: string, body: unknown = {}): Promise<{ status: number; data: T }> {
  const res = await call('POST', path, { body, idempotencyKey: idempotencyKey() });
  return { status: res.status, data: (res.status === 204 ? undefined : await res.json()) as T };
}

/**
 * The public door (信访查询, /public/*): no token and no Idempotency-Key (a key is a user's); the
 * petitioner's repeated rating or request is refused by the case's state instead.
 */
export async function postPublic<T>(path: string, body: unknown): Promise<{ status: number; data: T }> {
  const res = await call('POST', path, { body, anonymous: true });
  return { status: res.status, data: (await res.json()) as T };
}

export async function getText(path: string, query?: Query): Promise<string> {
  return (await call('GET', path, { query })).text();
}

export async function download(path: string, query: Query, fileName: string): Promise<void> {
  const blob = await (await call('GET', path, { query })).blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

// ---- shapes of the API answers the app reads ----

export type Role = 'reception' | 'office' | 'handler' | 'leader' | 'admin';

export interface User {
  username: string;
  displayName: string;
  roles: Role[];
  unitCode: string | null;
  unitName?: string | null;
}

/** A user as 系统管理 lists them, with their state. */
export interface AdminUser extends User {
  disabled: boolean;
  mustChangePassword: boolean;
  /** Locked after repeated failed logins until then (office time), or null. */
  lockedUntil: string | null;
}

export interface SecurityEvent {
  id: number;
  event: string;
  actor: string | null;
  target: string | null;
  ip: string | null;
  at: string;
  detail: Record<string, unknown> | null;
}

export interface Deadline {
  kind: string;
  dueAt: string | null;
  lastDay: string | null;
  state: 'pending' | 'met' | 'breached';
  lapsed?: boolean;
  withheld?: boolean;
  metAt: string | null;
  article?: string;
  basis: string;
}

export interface NextDeadline {
  kind: string;
  dueAt: string;
  lastDay: string;
  daysLeft: number;
  overdueDays?: number | null;
  level: 'ok' | 'warning' | 'breached';
  basis: string;
}

export interface Petitioner {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
}

export interface CaseSummary {
  id: string;
  trackingNo: string;
  status: string;
  channel: string;
  purpose: string;
  category: string;
  summary: string;
  headcount: number;
  groupVisit: boolean;
  unitCode: string | null;
  receivedAt: string;
  closedAt: string | null;
  assignedBy: { authority: string; reference: string; feedbackDueAt: string | null } | null;
  backlog: boolean;
  supervised: boolean;
  overdue: boolean;
  repeatContacts: number;
  petitioners: Petitioner[];
  nextDeadline?: NextDeadline | null;
  /** Set when the platform cannot compute or show this case's data (shown as it is, with this note). */
  renderError?: { code: string; message: string; detail: string } | null;
}

export interface TimelineEntry {
  type: string;
  at: string;
  actor: string | null;
  enteredAt?: string;
  /** The administrator's act on the case (补录 / 更正). */
  correction?: boolean;
  detail?: Record<string, unknown>;
}

export interface CaseView extends CaseSummary {
  content: string;
  routeMode: string | null;
  routedAt: string | null;
  acceptedAt: string | null;
  closure: { kind: string; outcome: string; opinion: string } | null;
  extension: { days: number; reason: string; approvedBy: string } | null;
  evaluation: { rating: string; at: string } | null;
  evaluationState: string | null;
  decline: { reason: string; note?: string } | null;
  diversion: { procedure: string; note?: string } | null;
  objections: { unitCode: string; reason: string; at?: string }[];
  supervisions: { note?: string; by?: string | null; at?: string; automatic?: boolean }[];
  priorFinalCase: { id: string; trackingNo: string } | null;
  deadlines: Deadline[];
  timeline: TimelineEntry[];
  allowedActions?: string[];
}

/** The registration's answer: the case and, for a new case, its query code (shown only here). */
export type RegisteredCase = CaseView & { queryCode?: string | null };

/** The case as the petitioner sees it on /track (POST /public/track): no staff, no petitioners. */
export interface PublicCaseView {
  trackingNo: string;
  status: string;
  statusText: string;
  summary: string;
  channel: string;
  receivedAt: string;
  unitName: string | null;
  steps: { type: string; title: string; at: string }[];
  deadlines: { kind: string; title: string; lastDay: string | null; dueAt: string | null; state: string; stateText: string; basis: string }[];
  opinion: PublicOpinion | null;
  review: { requestedAt: string; opinion: PublicOpinion | null } | null;
  reReview: { requestedAt: string; opinion: PublicOpinion | null } | null;
  extension: string | null;
  decline: string | null;
  diversion: string | null;
  evaluation: { rating: string; ratingText: string; comment?: string; at: string } | null;
  evaluationState: string | null;
  canDo: { action: 'evaluate' | 'review-request' | 're-review-request'; title: string; path: string; until: string | null; dueAt: string | null; text: string }[];
}
export interface PublicOpinion {
  kind: string;
  outcome: string;
  opinion: string;
  at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
  overdueTotal?: number;
}

export interface Unit {
  code: string;
  name: string;
  parentCode: string | null;
}

export interface Category {
  code: string;
  name: string;
  children?: { code: string; name: string }[];
}

export interface ReceptionSession {
  id: string;
  kind: string;
  leader: string;
  date: string;
}

export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

/** GET /reports/cases: the cases behind a figure's numerator or denominator. */
export interface ReportCases {
  figure: string;
  part: 'numerator' | 'denominator';
  items: CaseSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Summary {
  period: { from: string; to: string };
  received: { cases: number; contacts: number; persons: number; byChannel: Record<string, number> };
  closed: { total: number; substantive: number; procedural: number; diverted?: number; onTime: number };
  reception: { sessions: number; persons: number; cases: number };
  rates: Record<string, Rate>;
  assigned: Record<string, { received: number; closedSubstantive: number; closedProcedural: number; open: number; resolution: Rate }>;
}

export interface BacklogItem {
  id: string;
  trackingNo: string;
  unitCode: string | null;
  authority: string;
  reference?: string | null;
  status: string;
  summary?: string;
  dueKind?: string | null;
  dueAt: string | null;
  daysLeft: number | null;
  overdue: boolean;
  supervised: boolean;
}

/** One group of a breakdown: its counts and the summary's rates filtered to it. */
export interface BreakdownItem {
  key: string;
  received: number;
  closed: number;
  overdue: number;
  closedOnTime: number;
  rates: { onTimeClosure: Rate; resolution: Rate; satisfaction: Rate };
}

export interface Breakdown {
  by: string;
  period: { from: string; to: string };
  /** The filters the breakdown was computed with (null: not filtered). */
  filters: { unitCode: string | null; authority: string | null; channel: string | null; purpose: string | null; category: string | null };
  items: BreakdownItem[];
}

export interface Preview {
  action: string;
  effect: string;
}

/** A dead-lettered event of one service (GET /admin/dead-letters): instants in office time, no personal data. */
export interface DeadLetter {
  service: 'intake' | 'assignment' | 'deadline' | 'closure' | 'reporting';
  id: string;
  eventType: string | null;
  eventId: string | null;
  caseId: string | null;
  reason: string;
  attempts: number;
  replayable: boolean;
  firstFailedAt: string;
  lastFailedAt: string;
  status: 'open' | 'replayed' | 'discarded';
  resolvedAt: string | null;
  resolvedBy: string | null;
}
