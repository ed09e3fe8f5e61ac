/**
 * bench/throughput — one signed-in user over Node's fetch (undici, keep-alive): every POST under
 * /api/v1 carries a fresh Idempotency-Key (as the web app sends one per submission); an expired
 * access token is renewed once with the refresh token and the call repeated with the same key.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sleep } from './stats.js';

export const REQUEST_TIMEOUT_MS = 60_000;

export interface Answer {
  status: number; // 0: no answer (network error or timeout)
  body: Record<string, unknown> | null;
  ms: number;
  /** `network` or `timeout` when status is 0. */
  failure?: string;
  replayed: boolean;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = { text: text.slice(0, 200) };
    }
    return { status: res.status, body, ms: performance.now() - t0, replayed: res.headers.get('idempotent-replayed') === 'true' };
  } catch (e) {
    const name = (e as Error)?.name;
    return { status: 0, body: null, ms: performance.now() - t0, failure: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', replayed: false };
  }
}

export class Session {
  private access = '';
  private refreshToken = '';
  constructor(
    readonly base: string,
    readonly username: string,
    private readonly password: string,
  ) {}

  /** Logs in; waits out a 429 (the login throttle counts per address: many users from one bench). */
  async login(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const a = await call(`${this.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: this.username, password: this.password }),
      });
      if (a.status === 200 && a.body?.accessToken) {
        this.access = String(a.body.accessToken);
        this.refreshToken = String(a.body.refreshToken ?? '');
        if (a.body.mustChangePassword) throw new Error(`${this.username} must change the password first`);
        return;
      }
      if ((a.status === 429 || a.status === 0) && attempt < 30) {
        await sleep(a.status === 429 ? 2000 : 500);
        continue;
      }
      throw new Error(`login ${this.username}: HTTP ${a.status} ${JSON.stringify(a.body)?.slice(0, 300)}`);
    }
  }

  private async renew(): Promise<boolean> {
    if (!this.refreshToken) return false;
    const a = await call(`${this.base}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: this.refreshToken }) });
    if (a.status !== 200 || !a.body?.accessToken) return false;
    this.access = String(a.body.accessToken);
    this.refreshToken = String(a.body.refreshToken ?? '');
    return true;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.access}`, ...extra };
  }

  /** POST with a new Idempotency-Key (or the given one); a 401 renews the token once and repeats with the same key. */
  async post(path: string, body: unknown, key: string = randomUUID()): Promise<Answer> {
    const send = () => call(`${this.base}${path}`, { method: 'POST', headers: this.headers({ 'content-type': 'application/json', 'idempotency-key': key }), body: JSON.stringify(body) });
    const t0 = performance.now();
    let a = await send();
    if (a.status === 401 && (await this.renew())) a = await send();
    // The same key while the first call still runs (only after a repeat): the platform asks to wait.
    for (let i = 0; a.status === 409 && a.body?.code === 'IDEMPOTENCY_IN_PROGRESS' && i < 10; i++) {
      await sleep(1000);
      a = await send();
    }
    return { ...a, ms: performance.now() - t0 };
  }

  async get(path: string): Promise<Answer> {
    const send = () => call(`${this.base}${path}`, { headers: this.headers() });
    const t0 = performance.now();
    let a = await send();
    if (a.status === 401 && (await this.renew())) a = await send();
    return { ...a, ms: performance.now() - t0 };
  }
}

/** Creates a unit or user as the admin; 409 (it exists: a kept platform) is fine. */
export async function ensure(admin: Session, path: string, body: Record<string, unknown>): Promise<'created' | 'existed'> {
  const a = await admin.post(path, body);
  if (a.status === 201 || a.status === 200) return 'created';
  if (a.status === 409) return 'existed';
  throw new Error(`POST ${path} ${JSON.stringify(body).slice(0, 120)}: HTTP ${a.status} ${JSON.stringify(a.body)?.slice(0, 300)}`);
}
