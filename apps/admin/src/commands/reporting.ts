import cliProgress from 'cli-progress';
import { DomainError } from '#libs/common';
import { adminMode, PlatformNotRunningError } from '../mode.js';
import { UsageError, type AdminCommand } from './command.js';
import { cliOperator } from './dead-letters.js';

/** What the reporting service says of its rebuild (apps/reporting/src/rebuild.service.ts). */
interface RebuildStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  identical: boolean | null;
  differences: string[];
  failures: { eventId: string; type: string; reason: string }[];
  error: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `reporting rebuild` (`npm run reporting:rebuild`): the running reporting service rebuilds its
 * read model from its event log — its consumer held meanwhile, nothing lost — while this shows
 * the progress (events done / total, rate, time left) and at the end whether every figure
 * (each year's summary, the breakdowns, the backlog) is the same as before. Exit 0 identical,
 * 65 when a figure differs or an event failed to apply again, 69 when the platform is not running.
 */
export const reporting: AdminCommand = {
  name: 'reporting',
  usage: 'reporting rebuild',
  summary: '从事件日志重建统计数据（读模型），显示进度，并核对重建前后各项统计数字是否一致',
  run: async ([sub, ...rest]) => {
    if (sub !== 'rebuild') throw new UsageError(sub ? `未知的子命令「${sub}」` : '需要子命令 rebuild');
    if (rest.length) throw new UsageError(`多余的参数：${rest.join(' ')}`);
    const mode = await adminMode();
    let services;
    try {
      services = await mode.services();
    } catch (e) {
      if (!(e instanceof PlatformNotRunningError)) throw e;
      process.stderr.write(`admin: ${e.message}\n`);
      return 69;
    }
    const status = async () => services.query<RebuildStatus>('reporting', 'rebuild-status', {}, cliOperator());
    let s: RebuildStatus;
    try {
      s = (await services.command('reporting', 'rebuild-read-model', { actor: cliOperator(), body: {} })).data as RebuildStatus;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      process.stderr.write(`admin: ${e.message}\n`);
      return e.status === 503 ? 69 : 65;
    }
    const tty = !!process.stdout.isTTY;
    const bar = tty
      ? new cliProgress.SingleBar(
          { format: '重建统计数据 |{bar}| {value}/{total} 个事件 | {rate} 个/秒 | 剩余约 {eta_formatted}', hideCursor: true, etaBuffer: 20 },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(Math.max(1, s.total), 0, { rate: 0 });
    const t0 = Date.now();
    let lastLine = 0;
    while (s.state === 'running') {
      await sleep(300);
      s = await status();
      const rate = Math.round(s.done / Math.max(0.001, (Date.now() - t0) / 1000));
      if (bar) bar.update(s.done, { rate });
      else if (Date.now() - lastLine > 2000 || s.state !== 'running') {
        lastLine = Date.now();
        const eta = rate ? Math.round((s.total - s.done) / rate) : 0;
        process.stdout.write(`重建统计数据：${s.done}/${s.total} 个事件，${rate} 个/秒，剩余约 ${eta} 秒\n`);
      }
    }
    bar?.update(s.done);
    bar?.stop();
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (s.state === 'failed') {
      process.stderr.write(`admin: 重建失败：${s.error}\n`);
      return 70;
    }
    process.stdout.write(`已从 ${s.total} 个事件重建统计数据，用时 ${seconds} 秒。\n`);
    for (const f of s.failures) process.stdout.write(`  未能重新应用的事件：${f.type} ${f.eventId}：${f.reason}\n`);
    if (s.identical) process.stdout.write('各年度汇总、分组统计和交办积案与重建前完全一致。\n');
    else process.stdout.write(`与重建前不一致：${s.differences.join('、')}\n`);
    return s.identical && !s.failures.length ? 0 : 65;
  },
};
