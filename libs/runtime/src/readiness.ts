import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { UnavailableError } from '#libs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** One dependency a process needs to do its work: resolves when it answers, throws (with why) when not. */
export type ReadinessCheck = () => Promise<void>;
/** Named checks a process is ready by (database, broker, Redis …); a module may add its own under this token. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export type ReadinessChecks = Record<string, ReadinessCheck>;

export interface Readiness {
  status: 'up' | 'down';
  checks: Record<string, { status: 'up' | 'down'; message?: string }>;
}

const DEFAULT_TIMEOUT_MS = 3000;

/** The database answers a trivial query. */
export async function databaseCheck(ds: { query(sql: string): Promise<unknown> }): Promise<void> {
  await ds.query('SELECT 1');
}

/** Runs every check at once, each bounded by a timeout: a hung dependency is a down one. */
export async function readiness(checks: ReadinessChecks, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
        return [name, { status: 'up' as const }] as const;
      } catch (e) {
        return [name, { status: 'down' as const, message: String((e as Error)?.message ?? e).slice(0, 200) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const all = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r.status === 'up') ? 'up' : 'down', checks: all };
}

/** Readiness as terminus indicators (its answer shape; 503 when one is down). */
export function asIndicators(indicators: HealthIndicatorService, r: () => Promise<Readiness>): (() => Promise<HealthIndicatorResult>)[] {
  let pending: Promise<Readiness> | null = null;
  const once = () => (pending ??= r());
  return [
    async () => {
      const { checks } = await once();
      const out: HealthIndicatorResult = {};
      for (const [name, c] of Object.entries(checks)) Object.assign(out, c.status === 'up' ? indicators.check(name).up() : indicators.check(name).down({ message: c.message ?? 'down' }));
      return out;
    },
  ];
}

/**
 * Runs the checks through terminus; when one is down, a 503 in the platform's error shape: the
 * message names what is down (zh-CN), `details` is terminus's answer (info, error, details).
 */
export async function readinessCheck(health: HealthCheckService, indicators: HealthIndicatorService, r: () => Promise<Readiness>) {
  try {
    return await health.check(asIndicators(indicators, r));
  } catch (e) {
    if (!(e instanceof ServiceUnavailableException)) throw e;
    const body = e.getResponse() as { error?: Record<string, unknown> };
    throw new UnavailableError(`未就绪：${Object.keys(body.error ?? {}).join('、') || '依赖'} 不可用`, body);
  }
}

/**
 * A service's own probes on its internal port (no token: the orchestrator calls them):
 * `/health/live` answers while the process runs, `/health/ready` when its database, its broker
 * and what its module adds (the deadline service: Redis) answer.
 */
@ApiExcludeController()
@Controller('health')
export class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: { current: ReadinessChecks },
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return readinessCheck(this.health, this.indicators, () => readiness(this.checks.current));
  }
}
