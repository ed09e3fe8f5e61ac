import 'reflect-metadata';
import { resolve } from 'node:path';
import { IsOptional, Matches, Validate } from 'class-validator';
import { KEY_ID_RE, loadConfigOrExit } from '#libs/common';
import { mysqlConfigFromUrl } from '#libs/persistence';
import { EmbeddedConfig, piiKeyring, PiiKeyConstraint } from '#libs/runtime';
import { embeddedPiiKeyring, PII_KEY_FILE } from '../../embedded/src/embedded.js';
import { addEmbeddedKey, retireEmbeddedKeys, rotatePii, RotationError } from './rotate.js';

/**
 * `npm run pii:rotate [-- --new-key] [--retire] [--batch-size=N]`: re-seals every identity
 * number, phone and address under the current PII key (see README, "Personal data at rest").
 * Distributed when DATABASE_URL is set (PII_KEY, PII_KEY_ID, PII_OLD_KEYS as the services have
 * them), else embedded (DATA_DIR; stop the platform first).
 */
class DistributedRotationConfig {
  @Matches(/^(mysql|mariadb):\/\//, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/petition_ (mariadb:// for MariaDB)' }) DATABASE_URL: string;
  @Validate(PiiKeyConstraint) PII_KEY: string;
  @IsOptional() @Matches(KEY_ID_RE, { message: 'PII_KEY_ID must be lower-case letters, digits, . _ - (at most 32), e.g. k2' }) PII_KEY_ID?: string;
  @IsOptional() @Validate(PiiKeyConstraint) PII_OLD_KEYS?: string;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const batchSize = Number(/^--batch-size=(\d+)$/.exec(args.find((a) => a.startsWith('--batch-size=')) ?? '')?.[1] ?? 500);
const unknown = args.filter((a) => !/^--(new-key|retire|batch-size=\d+)$/.test(a));
if (unknown.length || batchSize < 1) {
  process.stderr.write(`pii:rotate: unknown argument ${unknown[0] ?? '--batch-size'}; usage: npm run pii:rotate -- [--new-key] [--retire] [--batch-size=500]\n`);
  process.exit(64);
}

try {
  if (process.env.DATABASE_URL) {
    const cfg = loadConfigOrExit(DistributedRotationConfig);
    if (flag('new-key'))
      throw new RotationError('--new-key is for embedded mode: in distributed mode set the new key in PII_KEY / PII_KEY_ID and the old one in PII_OLD_KEYS, on every service, then rotate');
    const pii = piiKeyring(cfg);
    const report = await rotatePii({ db: mysqlConfigFromUrl(cfg.DATABASE_URL), pii, batchSize });
    process.stdout.write(`${report.rewritten} of ${report.scanned} rows re-sealed under ${report.keyId}; ${report.left} values left under another key\n`);
    if (!report.left)
      process.stdout.write(`nothing is sealed under ${pii.keyIds.filter((k) => k !== pii.currentKeyId).join(', ') || '(no old key)'} any more: those keys may be removed from PII_OLD_KEYS\n`);
    process.exit(report.left ? 1 : 0);
  } else {
    const cfg = loadConfigOrExit(EmbeddedConfig);
    const dataDir = resolve(cfg.DATA_DIR);
    if (flag('new-key')) {
      if (cfg.PII_KEY) throw new RotationError('--new-key generates a key in DATA_DIR/pii-keys; PII_KEY is set: put the new key in PII_KEY / PII_KEY_ID and the old one in PII_OLD_KEYS instead');
      embeddedPiiKeyring(cfg, dataDir); // the file exists (a first key) before the next is added
      process.stdout.write(`new key ${addEmbeddedKey(dataDir, PII_KEY_FILE)} in ${dataDir}/${PII_KEY_FILE}\n`);
    }
    const pii = embeddedPiiKeyring(cfg, dataDir);
    const report = await rotatePii({ db: { driver: 'sqlite', dataDir }, pii, batchSize });
    process.stdout.write(`${report.rewritten} of ${report.scanned} rows re-sealed under ${report.keyId}; ${report.left} values left under another key\n`);
    if (flag('retire') && !report.left) {
      retireEmbeddedKeys(dataDir, PII_KEY_FILE, cfg.PII_KEY ? null : pii.currentKeyId);
      process.stdout.write(`old keys removed from ${dataDir}/${PII_KEY_FILE}\n`);
    }
    process.exit(report.left ? 1 : 0);
  }
} catch (e) {
  if (!(e instanceof RotationError) && !(e instanceof Error && e.name === 'PiiError')) throw e;
  process.stderr.write(`pii:rotate: ${e.message}\n`);
  process.exit(1);
}
