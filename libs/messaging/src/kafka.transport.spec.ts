import { describe, expect, it } from '@jest/globals';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { CASE_EVENTS_TOPIC } from '#libs/contracts';
import { CLIENT_RETRY, consumerGroupId, producerOptions } from './kafka.transport.js';

/** What kafkajs logs while a producer is created with these options (nothing is connected). */
function logsOfCreating(options: Parameters<Kafka['producer']>[0]): string[] {
  const lines: string[] = [];
  const kafka = new Kafka({
    clientId: 'spec',
    brokers: ['127.0.0.1:1'],
    logLevel: logLevel.WARN,
    retry: { ...CLIENT_RETRY },
    logCreator: () => (e: LogEntry) => void lines.push(`${e.level}: ${e.log.message}`),
  });
  kafka.producer(options);
  return lines;
}

describe('Kafka transport hygiene (issue 11)', () => {
  it('names each consumer group after its topic: two deployments on one broker never share a group', () => {
    expect(consumerGroupId(CASE_EVENTS_TOPIC, 'intake')).toBe('petition.case-events.v1.intake');
    const a = ['intake', 'assignment', 'deadline', 'closure', 'reporting'].map((s) => consumerGroupId('site-a.case-events', s));
    const b = ['intake', 'assignment', 'deadline', 'closure', 'reporting'].map((s) => consumerGroupId('site-b.case-events', s));
    expect(new Set([...a, ...b]).size).toBe(10);
    expect(a.every((g) => g.startsWith('site-a.case-events.'))).toBe(true);
  });

  it('the idempotent producer keeps unlimited retries (its own, not the client’s bounded ones): kafkajs no longer warns it may invalidate its guarantees', () => {
    const options = producerOptions();
    expect(options).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(options.retry.retries).toBe(Number.MAX_SAFE_INTEGER);
    expect(options.retry.maxRetryTime).toBeGreaterThan(0);
    expect(logsOfCreating(options).filter((l) => /retries/i.test(l))).toEqual([]);
    // What the producer had before: the client's retries, and the warning at every start.
    const { retry: _own, ...inherited } = options;
    expect(logsOfCreating(inherited).filter((l) => /Limiting retries/.test(l))).toHaveLength(1);
  });
});
