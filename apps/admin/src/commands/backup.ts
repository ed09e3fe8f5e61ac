import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { DomainError } from '#libs/common';
import { EMBEDDED_DATABASES, platformVersion, restoreBackup, takeBackup, type BackupManifest, type BackupProgress } from '../../../embedded/src/backup.js';
import { embeddedServiceDefinitions } from '../../../embedded/src/embedded.js';
import { GATEWAY_MIGRATIONS } from '../../../gateway/src/migrations/index.js';
import { connectControl } from '../control-client.js';
import { adminMode } from '../mode.js';
import { UsageError, type AdminCommand } from './command.js';

const DISTRIBUTED = (what: string) =>
  `admin: ${what} 只用于单机（embedded）模式的 DATA_DIR；分布式部署请按部署文档「备份与恢复（分布式）」：` +
  '对每个服务的数据库 petition_<服务名> 执行 mysqldump --single-transaction，并保证 Kafka 主题的保留期长于备份间隔\n';

/** The name TypeORM records for a migration class (its `name` property, else the class name). */
const migrationName = (m: Function): string => new (m as new () => { name?: string })().name ?? m.name;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Progress of the copy: a bar per database on a terminal, a plain line per finished database otherwise. */
function progressView(): { onProgress: (p: BackupProgress) => void; stop: () => void } {
  if (!process.stdout.isTTY) {
    return {
      onProgress: (p) => {
        if (p.done) process.stdout.write(`[${p.index + 1}/${p.count}] ${p.database}.sqlite 已复制\n`);
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    { format: '{database} |{bar}| {percentage}% | {value}/{total} 页', hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: (p) => {
      const name = `${p.database}.sqlite`.padEnd(17);
      let bar = bars.get(p.database);
      if (!bar) bars.set(p.database, (bar = multi.create(Math.max(1, p.totalPages), 0, { database: name })));
      bar.setTotal(Math.max(1, p.totalPages));
      bar.update(p.done ? Math.max(1, p.totalPages) : p.copiedPages, { database: name });
    },
    stop: () => multi.stop(),
  };
}

function printManifest(dir: string, m: BackupManifest): void {
  const lines = [`备份完成：${dir}（平台版本 ${m.platform.version}，${m.createdAt}）`];
  for (const d of m.databases) {
    const rows = Object.values(d.tables).reduce((a, b) => a + b, 0);
    lines.push(`  ${d.file.padEnd(17)} ${mb(d.size).padStart(9)}  ${String(Object.keys(d.tables).length).padStart(2)} 张表 ${String(rows).padStart(7)} 行  迁移 ${d.migrations.length} 个  完整性 ok`);
  }
  lines.push(`  其他文件：${m.files.map((f) => f.file).join('、') || '无'}`);
  lines.push(
    m.taken === 'quiesced'
      ? `暂停事件投递 ${m.pausedMs} ms（其中等待在途事件送达 ${m.drainedMs} ms；期间各服务照常受理请求，事件在恢复投递后送出；复制在暂停结束后进行）`
      : '平台未运行：直接从 DATA_DIR 复制了数据库',
  );
  if (m.fromEnvironment.piiKey) lines.push('注意：个人信息加密密钥来自环境变量 PII_KEY，不在备份中；请另行妥善保存该密钥，恢复后须以同一个 PII_KEY 启动平台');
  if (m.fromEnvironment.jwtSecret) lines.push('注意：JWT_SECRET 来自环境变量，不在备份中（恢复后若更换，已签发的登录令牌失效，用户重新登录即可）');
  lines.push(`清单及每个文件的 SHA-256 见 ${join(dir, 'manifest.json')}；备份中含个人信息和密钥，请像 DATA_DIR 一样保管（目录 700、文件 600）`);
  process.stdout.write(lines.join('\n') + '\n');
}

const failed = (e: unknown): number => {
  if (e instanceof DomainError) {
    process.stderr.write(`admin: ${e.message}\n`);
    return e.status === 503 ? 69 : e.status >= 500 ? 70 : 65;
  }
  process.stderr.write(`admin: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
  return 74;
};

export const backup: AdminCommand = {
  name: 'backup',
  usage: 'backup <dir>',
  summary: '备份全部数据库和密钥文件到新目录（平台运行时也可以，各服务数据彼此一致）',
  run: async (args) => {
    if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new UsageError('需要且只需要一个备份目录（新的或空的目录）');
    const mode = await adminMode();
    if (mode.kind !== 'embedded' || !mode.dataDir) {
      process.stderr.write(DISTRIBUTED('backup'));
      return 64;
    }
    const dataDir = mode.dataDir;
    const target = resolve(args[0]);
    const view = progressView();
    try {
      const control = await connectControl(dataDir);
      const manifest = control
        ? await control.call<BackupManifest>('backup', { target }, view.onProgress)
        : await takeBackup({
            dataDir,
            target,
            databases: EMBEDDED_DATABASES.map((name) => ({ name, path: join(dataDir, `${name}.sqlite`) })),
            fromEnvironment: { piiKey: !!mode.embedded?.PII_KEY, jwtSecret: !!mode.embedded?.JWT_SECRET },
            progress: view.onProgress,
          });
      view.stop();
      printManifest(target, manifest);
      return 0;
    } catch (e) {
      view.stop();
      return failed(e);
    }
  },
};

export const restore: AdminCommand = {
  name: 'restore',
  usage: 'restore <dir> [--force]',
  summary: '把备份恢复到 DATA_DIR（平台须先停止；DATA_DIR 已有数据时须加 --force，原文件移到一旁保留）',
  run: async (args) => {
    const force = args.includes('--force');
    const rest = args.filter((a) => a !== '--force');
    if (rest.length !== 1 || !rest[0] || rest[0].startsWith('-')) throw new UsageError('需要且只需要一个备份目录');
    const mode = await adminMode();
    if (mode.kind !== 'embedded' || !mode.dataDir) {
      process.stderr.write(DISTRIBUTED('restore'));
      return 64;
    }
    const dataDir = mode.dataDir;
    const dir = resolve(rest[0]);
    try {
      if (await connectControl(dataDir)) {
        process.stderr.write(`admin: 平台正在 ${dataDir} 上运行：请先停止平台（npm start 的进程），再恢复\n`);
        return 69;
      }
      const known: Record<string, string[]> = { gateway: GATEWAY_MIGRATIONS.map(migrationName) };
      for (const def of embeddedServiceDefinitions(mode.embedded!)) known[def.name] = def.migrations.map(migrationName);
      const { manifest, movedAside, restored } = await restoreBackup(dir, dataDir, force, known);
      const lines = [`已从 ${dir} 恢复到 ${dataDir}（备份于 ${manifest.createdAt}，平台版本 ${manifest.platform.version}，校验 SHA-256 和完整性通过）：`];
      for (const d of manifest.databases) {
        const rows = Object.values(d.tables).reduce((a, b) => a + b, 0);
        lines.push(`  ${d.file.padEnd(17)} ${mb(d.size).padStart(9)}  ${String(rows).padStart(7)} 行  迁移 ${d.migrations.length} 个`);
      }
      lines.push(`  其他文件：${manifest.files.map((f) => f.file).join('、') || '无'}`);
      const current = platformVersion().version;
      if (manifest.platform.version !== current) {
        lines.push(`注意：备份来自平台版本 ${manifest.platform.version}，当前为 ${current}；启动时各服务会执行尚未执行的数据库迁移。不要用旧版本的平台打开新版本的备份`);
      }
      if (movedAside) lines.push(`DATA_DIR 原有的文件已移到 ${movedAside}（确认恢复无误后可删除）`);
      const hasKeys = restored.includes('pii-keys');
      if (manifest.fromEnvironment.piiKey || !hasKeys) {
        lines.push('注意：备份时个人信息加密密钥来自环境变量 PII_KEY，备份中没有 pii-keys；启动平台时必须设置同一个 PII_KEY（以及当时的 PII_OLD_KEYS），否则已加密的身份证号、电话和地址无法读取');
      } else if (mode.embedded?.PII_KEY) {
        lines.push(
          '注意：当前环境设置了 PII_KEY：平台将用它加密新的个人信息；备份中恢复的 pii-keys 作为旧密钥继续用于读取已加密的数据，直到 npm run pii:rotate 将全部数据改用 PII_KEY 加密。不要删除 pii-keys',
        );
      } else {
        lines.push('个人信息加密密钥（pii-keys）已随备份恢复');
      }
      if (manifest.fromEnvironment.jwtSecret) lines.push('备份时 JWT_SECRET 来自环境变量：以同一个 JWT_SECRET 启动，已签发的登录令牌仍有效；否则用户重新登录即可');
      lines.push('现在可以用 npm start 启动平台；启动时各服务会投递备份时尚未送出的事件，期限服务会重建计时器');
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    } catch (e) {
      return failed(e);
    }
  },
};
