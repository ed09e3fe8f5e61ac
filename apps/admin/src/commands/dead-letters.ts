import { userInfo } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import { DomainError } from '#libs/common';
import type { Caller } from '#libs/runtime';
import { DEAD_LETTER_SERVICES, DeadLettersService, type DeadLetterItem } from '../../../gateway/src/dead-letters.js';
import { createGatewayApp } from '../../../gateway/src/gateway.app.js';
import { adminMode } from '../mode.js';
import { progress } from '../progress.js';
import { UsageError, type AdminCommand } from './command.js';

/** Who the command line acts as: the operating-system account, marked as the command line (security log). */
export const cliOperator = (): Caller => ({ username: `cli:${userInfo().username}`, roles: ['admin'], unitCode: null });

/**
 * The gateway's services (its accounts, dead letters, reports) opened on its database, calling
 * the RUNNING platform's services as the gateway does: the same code as the HTTP routes, so the
 * command line lists, replays and reports exactly what the web app does, and the security log
 * records it. PlatformNotRunningError (exit 69) before anything is opened when nothing answers.
 */
export async function withGateway(fn: (app: INestApplication, operator: Caller) => Promise<number>): Promise<number> {
  const mode = await adminMode();
  const services = await mode.services();
  await mode.ensure('gateway');
  const timeZone = mode.embedded?.TZ ?? process.env.TZ ?? 'Asia/Shanghai';
  const app = await createGatewayApp({ mode: mode.kind, jwtSecret: mode.jwtSecret(), jwtTtlSeconds: 60, timeZone }, mode.db, services, ['error']);
  try {
    await app.init();
  } catch (e) {
    await app.close().catch(() => undefined);
    // No account yet: the gateway has never started on this database (it creates the admin at its first start).
    if (!/ADMIN_PASSWORD is required on first start/.test(String((e as Error)?.message))) throw e;
    process.stderr.write('admin: 网关数据库中还没有任何用户：平台（网关）尚未在此数据库上启动过，请先启动平台\n');
    return 69;
  }
  try {
    return await fn(app, cliOperator());
  } finally {
    await app.close().catch(() => undefined);
  }
}

/** A DomainError of the platform as one line on stderr; its exit code (66 not found, 69 a service unavailable, 65 otherwise). */
export function domainExit(e: unknown): number {
  if (!(e instanceof DomainError)) throw e;
  process.stderr.write(`admin: ${e.message}\n`);
  return e.status === 404 ? 66 : e.status === 503 ? 69 : 65;
}

const STATUS_NAMES: Record<string, string> = { open: '待处理', replayed: '已重放', discarded: '已丢弃' };
const STATUSES = Object.keys(STATUS_NAMES);

/** Columns of a terminal: a CJK character takes two. */
const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));
const clip = (s: string, max: number) => ([...s].length > max ? [...s].slice(0, max - 1).join('') + '…' : s);

/** A plain table with a header line, columns padded to the widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : padEnd(c, widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** `--name value` options and the remaining words; unknown options are a usage error. */
export function parseOptions(args: string[], known: Record<string, 'value' | 'flag'>): { options: Record<string, string | true>; words: string[] } {
  const options: Record<string, string | true> = {};
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    const kind = known[name];
    if (!kind) throw new UsageError(`未知的选项 --${name}`);
    if (kind === 'flag') options[name] = true;
    else {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`选项 --${name} 需要一个值`);
      options[name] = value;
    }
  }
  return { options, words };
}

function serviceOption(v: string | true | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!(DEAD_LETTER_SERVICES as readonly string[]).includes(String(v))) throw new UsageError(`没有名为「${String(v)}」的服务（可选：${DEAD_LETTER_SERVICES.join('、')}）`);
  return String(v);
}

async function list(args: string[]): Promise<number> {
  const { options, words } = parseOptions(args, { service: 'value', status: 'value', json: 'flag' });
  if (words.length) throw new UsageError(`多余的参数「${words[0]}」`);
  const service = serviceOption(options.service);
  const status = options.status === undefined ? undefined : String(options.status);
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError('--status 只能是 open（待处理）、replayed（已重放）或 discarded（已丢弃）');
  return withGateway(async (app, operator) => {
    const all = await app.get(DeadLettersService).list(status, operator);
    const items = all.items.filter((i) => !service || i.service === service);
    const unavailable = all.unavailable.filter((s) => !service || s === service);
    if (options.json) {
      process.stdout.write(JSON.stringify({ items, total: items.length, unavailable }, null, 2) + '\n');
    } else {
      if (items.length) {
        const rows = items.map((i) => [i.service, i.id, i.eventType ?? '—', i.caseId ?? '—', clip(i.reason.replace(/\s+/g, ' '), 60), STATUS_NAMES[i.status] ?? i.status, i.firstFailedAt]);
        process.stdout.write(table(['服务', '编号', '事件类型', '案件', '原因', '状态', '首次失败时间'], rows));
      }
      process.stdout.write(`共 ${items.length} 条死信${status ? `（${STATUS_NAMES[status]}）` : ''}\n`);
    }
    if (unavailable.length) process.stderr.write(`admin: 以下服务没有应答，其死信未列出：${unavailable.join('、')}\n`);
    return unavailable.length ? 69 : 0;
  });
}

function describe(item: DeadLetterItem): string {
  return `${item.service} ${item.id}（${item.eventType ?? '未知事件'}，案件 ${item.caseId ?? '—'}）：${STATUS_NAMES[item.status] ?? item.status}`;
}

async function act(action: 'replay' | 'discard', args: string[]): Promise<number> {
  const { options, words } = parseOptions(args, action === 'replay' ? { all: 'flag', service: 'value', json: 'flag' } : { json: 'flag' });
  if (options.all) {
    if (words.length) throw new UsageError('--all 不与服务名和编号同用');
    return replayAll(serviceOption(options.service), !!options.json);
  }
  if (options.service) throw new UsageError('--service 只与 --all 同用');
  if (words.length !== 2) throw new UsageError('需要服务名和死信编号');
  const [service, id] = words;
  return withGateway(async (app, operator) => {
    try {
      const item = await app.get(DeadLettersService).act(action, service, id, operator, null);
      process.stdout.write(options.json ? JSON.stringify(item, null, 2) + '\n' : `${action === 'replay' ? '已重放' : '已丢弃'}：${describe(item)}\n`);
      return 0;
    } catch (e) {
      return domainExit(e);
    }
  });
}

/** Every open, replayable dead letter (of one service), oldest first; a failure does not stop the others. */
async function replayAll(service: string | undefined, json: boolean): Promise<number> {
  return withGateway(async (app, operator) => {
    const box = app.get(DeadLettersService);
    const listed = await box.list('open', operator);
    const todo = listed.items.filter((i) => i.replayable && (!service || i.service === service));
    if (!todo.length) {
      process.stdout.write(json ? JSON.stringify({ replayed: [], failed: [] }) + '\n' : '没有可重放的待处理死信\n');
      return 0;
    }
    const replayed: DeadLetterItem[] = [];
    const failed: { service: string; id: string; message: string }[] = [];
    const bar = json ? { tick: () => undefined, stop: () => undefined } : progress('重放死信', todo.length);
    for (const item of todo) {
      try {
        replayed.push(await box.act('replay', item.service, item.id, operator, null));
      } catch (e) {
        if (!(e instanceof DomainError)) {
          bar.stop();
          throw e;
        }
        failed.push({ service: item.service, id: item.id, message: e.message });
      }
      bar.tick(`${item.service} ${item.id}`);
    }
    bar.stop();
    if (json) process.stdout.write(JSON.stringify({ replayed, failed }, null, 2) + '\n');
    else {
      for (const f of failed) process.stdout.write(`失败：${f.service} ${f.id}：${f.message}\n`);
      process.stdout.write(`重放完成：成功 ${replayed.length} 条，失败 ${failed.length} 条\n`);
    }
    return failed.length ? 65 : 0;
  });
}

export const deadLetters: AdminCommand = {
  name: 'dead-letters',
  usage: 'dead-letters list|replay|discard …',
  summary: '死信：list [--service S] [--status open|replayed|discarded] [--json]；replay <服务> <编号>；replay --all [--service S]；discard <服务> <编号>',
  run: async ([sub, ...args]) => {
    if (sub === 'list') return list(args);
    if (sub === 'replay' || sub === 'discard') return act(sub, args);
    throw new UsageError(sub ? `未知的子命令「${sub}」` : '需要子命令 list、replay 或 discard');
  },
};
