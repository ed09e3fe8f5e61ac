import { randomFillSync } from 'node:crypto';

const entropy = Buffer.alloc(16 * 256);
let next = entropy.length;
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new id: a time-ordered UUID (version 7, RFC 9562): 48 bits of milliseconds, then 74 random
 * bits. Rows keyed by such ids are written and read where the recent ones are, not at random
 * places in the whole index: the deadlines falling due at one midnight belong to cases opened
 * within days of each other, and the processed-event and outbox tables only ever grow at one
 * end. `at` (epoch ms) is for tests and benchmarks that model ids made in the past.
 */
export function newId(at: number = Date.now()): string {
  if (next === entropy.length) {
    randomFillSync(entropy);
    next = 0;
  }
  const b = entropy.subarray(next, (next += 16));
  const t = Math.max(0, Math.floor(at));
  const hi = Math.floor(t / 2 ** 16);
  const h = (i: number) => hex[b[i]];
  const ts = hi.toString(16).padStart(8, '0') + (t % 2 ** 16).toString(16).padStart(4, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${hex[0x70 | (b[6] & 0x0f)]}${h(7)}-${hex[0x80 | (b[8] & 0x3f)]}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** The creation time carried by an id from newId (epoch ms). */
export function idTime(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
