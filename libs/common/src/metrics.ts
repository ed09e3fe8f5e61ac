import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * The platform's Prometheus metrics (prom-client, its default registry: one per process). Every
 * series has a `service` label, so embedded mode — five services and the gateway in one
 * process — keeps them apart as the distributed processes do. The Grafana dashboard in
 * deploy/grafana reads exactly these names.
 */
const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  httpDuration: new Histogram({
    name: 'petition_http_request_duration_seconds',
    help: 'HTTP requests by route (the route pattern, not the path) and status',
    labelNames: ['service', 'method', 'route', 'status'],
    buckets: SECONDS,
  }),
  outboxWaiting: new Gauge({ name: 'petition_outbox_waiting_rows', help: 'Outbox rows committed but not yet published', labelNames: ['service'] }),
  outboxOldest: new Gauge({ name: 'petition_outbox_oldest_waiting_seconds', help: 'Age of the oldest unpublished outbox row (0 when none waits)', labelNames: ['service'] }),
  outboxPublishLag: new Histogram({ name: 'petition_outbox_publish_lag_seconds', help: 'From an event’s commit to its publication', labelNames: ['service'], buckets: SECONDS }),
  consumerLag: new Gauge({ name: 'petition_consumer_lag_messages', help: 'Messages of the case-events topic this service has yet to handle, by partition', labelNames: ['service', 'partition'] }),
  eventsHandled: new Counter({
    name: 'petition_events_handled_total',
    help: 'Events handled: applied (once, from the broker or in the command that produced it), duplicate (a copy, dropped), dead_letter',
    labelNames: ['service', 'type', 'outcome'],
  }),
  handlerDuration: new Histogram({
    name: 'petition_event_handler_duration_seconds',
    help: 'Time to apply one event from the broker (its transaction included)',
    labelNames: ['service', 'type'],
    buckets: SECONDS,
  }),
  deadLettersOpen: new Gauge({ name: 'petition_dead_letters_open', help: 'Dead letters neither replayed nor discarded', labelNames: ['service'] }),
  deadLettersTotal: new Counter({ name: 'petition_dead_letters_total', help: 'Messages dead-lettered since the process started', labelNames: ['service'] }),
  timersArmed: new Gauge({ name: 'petition_timers_armed', help: 'Deadline timers armed and not yet fired', labelNames: ['service', 'kind'] }),
  timersArmedTotal: new Counter({ name: 'petition_timers_armed_total', help: 'Deadline timers armed', labelNames: ['service', 'kind'] }),
  timersFiredTotal: new Counter({ name: 'petition_timers_fired_total', help: 'Deadline timers fired', labelNames: ['service', 'kind'] }),
  timerLateness: new Histogram({
    name: 'petition_timer_lateness_seconds',
    help: 'How late a timer fired after its instant',
    labelNames: ['service', 'kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
  }),
  reportQueryDuration: new Histogram({
    name: 'petition_report_query_duration_seconds',
    help: 'Read-model queries (lists, the case, summaries, the annual report) by name',
    labelNames: ['service', 'query'],
    buckets: SECONDS,
  }),
};

/** Reads what a gauge shows from where it lives (a count in the database) at scrape time. */
export type MetricsSampler = () => Promise<void>;
const samplers = new Map<string, MetricsSampler>();

/** Registers (or replaces) the sampler under `key` (e.g. `outbox:intake`); returns its removal. */
export function addMetricsSampler(key: string, sampler: MetricsSampler): () => void {
  samplers.set(key, sampler);
  return () => {
    if (samplers.get(key) === sampler) samplers.delete(key);
  };
}

let defaults = false;
/** Node's process metrics (memory, event-loop lag, GC), once per process, labelled with what the process is. */
export function collectProcessMetrics(processName: string): void {
  if (defaults) return;
  defaults = true;
  collectDefaultMetrics({ labels: { service: processName } });
}

/** The exposition text: samplers first (each bounded: a slow database leaves its gauge as it was). */
export async function metricsText(timeoutMs = 2000): Promise<{ contentType: string; body: string }> {
  await Promise.all(
    [...samplers.values()].map((s) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([s(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))])
        .catch(() => undefined)
        .finally(() => clearTimeout(timer));
    }),
  );
  return { contentType: register.contentType, body: await register.metrics() };
}
