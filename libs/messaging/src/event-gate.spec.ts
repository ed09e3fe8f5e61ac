import { describe, expect, it } from '@jest/globals';
import { EventGate } from './event-gate.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('EventGate', () => {
  it('holds new events until the work is done, after the events in flight have finished; keeps their order', async () => {
    const gate = new EventGate();
    const log: string[] = [];
    let finishFirst!: () => void;
    const first = gate.through(async () => {
      log.push('e1 start');
      await new Promise<void>((r) => (finishFirst = r));
      log.push('e1 end');
    });
    await tick();
    const work = gate.hold(async () => {
      log.push('work');
      await tick();
      log.push('work end');
    });
    const second = gate.through(async () => void log.push('e2'));
    const third = gate.through(async () => void log.push('e3'));
    await tick();
    expect(log).toEqual(['e1 start']); // the work waits for e1, e2 and e3 wait for the work
    finishFirst();
    await Promise.all([first, work, second, third]);
    expect(log).toEqual(['e1 start', 'e1 end', 'work', 'work end', 'e2', 'e3']);
    expect(gate.isHeld).toBe(false);
  });

  it('opens again when the work fails', async () => {
    const gate = new EventGate();
    await expect(gate.hold(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.through(async () => 'ok')).resolves.toBe('ok');
  });
});
