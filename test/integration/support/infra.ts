import { reachable } from '../../support/net.js';

export const MYSQL_URL = process.env.IT_DATABASE_URL ?? 'mariadb://root:@127.0.0.1:3306/';
export const REDIS_URL = process.env.IT_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/**
 * The integration tests need MariaDB/MySQL, Redis and Kafka. A missing one is a failure, never
 * a skip (in CI, .ci/run starts them; locally, see the README).
 */
export async function requireInfrastructure(): Promise<void> {
  const db = new URL(MYSQL_URL);
  const redis = new URL(REDIS_URL);
  const [kHost, kPort] = KAFKA_BROKERS.split(',')[0].split(':');
  const checks = [
    { name: 'MariaDB/MySQL', host: db.hostname, port: Number(db.port || 3306), hint: 'start MariaDB (see README)' },
    { name: 'Redis', host: redis.hostname, port: Number(redis.port || 6379), hint: 'redis-server --daemonize yes' },
    { name: 'Kafka', host: kHost, port: Number(kPort), hint: 'deploy/local/kafka/kafka.sh start' },
  ];
  const missing: string[] = [];
  for (const c of checks) if (!(await reachable(c.host, c.port))) missing.push(`${c.name} at ${c.host}:${c.port} (${c.hint})`);
  if (missing.length) {
    throw new Error(`integration tests need real services; not reachable: ${missing.join('; ')}${process.env.CI === 'true' ? ' — CI=true: .ci/run must start them' : ''}`);
  }
}
