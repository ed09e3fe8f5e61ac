/**
 * bench/throughput — printing and measuring helpers: percentiles, tables, /proc (RSS, CPU time,
 * the process listening on a port).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';

export const out = (s = '') => console.log(s);
export const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
export const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
export const pct = (x: number, d = 0) => (Number.isFinite(x) ? `${fmt(x * 100, d)} %` : '—');
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : NaN };
}

export function table(head: string[], rows: (string | number)[][], right = new Set<number>()): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  out(line(head));
  out(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of cells.slice(1)) out(line(r));
}

/** Counts by key, printed `404 ×3, network ×1`. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(key: string | number, n = 1): void {
    this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + n);
  }
  get(key: string | number): number {
    return this.counts.get(String(key)) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }
  merge(o: Tally): void {
    for (const [k, v] of o.counts) this.add(k, v);
  }
  toString(): string {
    return this.counts.size
      ? [...this.counts]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ×${fmt(v)}`)
          .join(', ')
      : 'none';
  }
}

// ---------------------------------------------------------------------------------------------
// /proc

const MB = 1024 * 1024;

/** VmRSS and VmHWM (peak) of a process in MB, from /proc/<pid>/status; null when it is gone. */
export function rss(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: (kb('VmRSS') * 1024) / MB, peakMb: (kb('VmHWM') * 1024) / MB };
  } catch {
    return null;
  }
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** The machine's busy and total CPU seconds (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/** The pid of the first process whose command (comm) is one of `names` (e.g. the database server), or null. */
export function findProcess(names: string[], cmdlineContains?: string): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (!names.includes(comm)) continue;
      if (cmdlineContains && !readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(cmdlineContains)) continue;
      return Number(d);
    } catch {
      /* gone, or not ours */
    }
  }
  return null;
}

/** The pid listening on a local TCP port (a process of this user: its fds are readable), or null. */
export function listeningPid(port: number): number | null {
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
        const c = line.trim().split(/\s+/);
        if (c.length < 10 || c[3] !== '0A') continue; // LISTEN
        if (parseInt(c[1].split(':')[1], 16) === port) inodes.add(c[9]);
      }
    } catch {
      /* no such table */
    }
  }
  if (!inodes.size) return null;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${d}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${d}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(d);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return null;
}
