/**
 * Runs in a worker thread of the bench: reads the outbox every 10 ms on a connection
 * of its own and notes when each row first became visible (its transaction had committed). In a
 * thread of its own so that the service's work in the main thread cannot delay the observation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mysql from 'mysql2/promise';

interface Input {
  connection: mysql.ConnectionOptions;
  /** Start polling at this epoch ms. */
  from: number;
}

const { connection, from } = workerData as Input;
const conn = await mysql.createConnection(connection);
const seen: [number, number][] = []; // [seq, epoch ms]
let stop = false;
parentPort!.on('message', () => (stop = true));
const [[first]] = (await conn.query('SELECT COALESCE(MAX(seq), 0) AS s FROM outbox')) as unknown as [{ s: number }[]];
let lastSeq = Number(first.s);
while (Date.now() < from && !stop) await new Promise((r) => setTimeout(r, 20));
for (let last = false; !last;) {
  last = stop; // one more pass after the stop: every row committed before it is seen
  const [rows] = (await conn.query('SELECT seq FROM outbox WHERE seq > ? ORDER BY seq', [lastSeq])) as unknown as [{ seq: number }[]];
  const at = Date.now();
  for (const r of rows) seen.push([Number(r.seq), at]);
  if (rows.length) lastSeq = Number(rows[rows.length - 1].seq);
  await new Promise((r) => setTimeout(r, 10)); // resolution enough for a 1 s target, and light on the database
}
await conn.end();
parentPort!.postMessage(seen);
