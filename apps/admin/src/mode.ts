import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { loadConfigOrExit } from '#libs/common';
import { ensureDatabase, mysqlConfigFromUrl, type DatabaseConfig } from '#libs/persistence';
import { EmbeddedConfig, HttpServiceClient, type ServiceClient } from '#libs/runtime';
import { connectControl } from './control-client.js';
import { persistentSecret } from '../../embedded/src/embedded.js';

class DistributedAdminConfig {
  @Matches(/^(mysql|mariadb):\/\//, { message: 'DATABASE_URL must look like mysql://user:password@host:3306/petition_ (mariadb:// for MariaDB)' }) DATABASE_URL: string;
  /** Only for the commands that call the services (dead letters, annual export): as the gateway has them. */
  @IsOptional() @IsString() @MinLength(16) INTERNAL_TOKEN?: string;
  @IsString() INTAKE_URL: string = 'http://127.0.0.1:3101';
  @IsString() ASSIGNMENT_URL: string = 'http://127.0.0.1:3102';
  @IsString() DEADLINE_URL: string = 'http://127.0.0.1:3103';
  @IsString() CLOSURE_URL: string = 'http://127.0.0.1:3104';
  @IsString() REPORTING_URL: string = 'http://127.0.0.1:3105';
}

/** A command that needs the running platform, and it does not answer (exit 69). */
export class PlatformNotRunningError extends Error {}

/**
 * Which platform the command line works on: distributed when DATABASE_URL is set (the prefix of
 * every service's database, as the services take it), else embedded (DATA_DIR, as `npm start`).
 */
export interface AdminMode {
  kind: 'embedded' | 'distributed';
  db: DatabaseConfig;
  /** Embedded only: the data directory. */
  dataDir?: string;
  /** Embedded: the platform's own configuration (calendar, time zone, …) as `npm start` reads it. */
  embedded?: EmbeddedConfig;
  /** Creates the service's database if missing (distributed), as the service would. */
  ensure(service: string): Promise<void>;
  /** The embedded platform's JWT secret; distributed: a throwaway key (no token is issued). */
  jwtSecret(): string;
  /**
   * The running platform's services, as the gateway calls them: embedded through DATA_DIR's
   * control socket, distributed over their internal ports (INTERNAL_TOKEN, *_URL as the
   * gateway's). Throws PlatformNotRunningError when embedded and nothing answers.
   */
  services(): Promise<ServiceClient>;
}

let cached: AdminMode | undefined;

export async function adminMode(): Promise<AdminMode> {
  if (cached) return cached;
  if (process.env.DATABASE_URL) {
    const cfg = loadConfigOrExit(DistributedAdminConfig);
    const db = mysqlConfigFromUrl(cfg.DATABASE_URL);
    const services = async (): Promise<ServiceClient> => {
      if (!cfg.INTERNAL_TOKEN) throw new PlatformNotRunningError("configuration: INTERNAL_TOKEN is required for this command in distributed mode (the services' shared token, at least 16 characters)");
      return new HttpServiceClient({ intake: cfg.INTAKE_URL, assignment: cfg.ASSIGNMENT_URL, deadline: cfg.DEADLINE_URL, closure: cfg.CLOSURE_URL, reporting: cfg.REPORTING_URL }, cfg.INTERNAL_TOKEN);
    };
    cached = { kind: 'distributed', db, ensure: (s) => ensureDatabase(s, db), jwtSecret: () => randomBytes(32).toString('base64url'), services };
  } else {
    const cfg = loadConfigOrExit(EmbeddedConfig);
    const dataDir = resolve(cfg.DATA_DIR);
    const db: DatabaseConfig = { driver: 'sqlite', dataDir };
    const services = async (): Promise<ServiceClient> => {
      const control = await connectControl(dataDir);
      if (!control) throw new PlatformNotRunningError(`平台未在运行（${dataDir} 中没有应答的 control.sock）：请先用 npm start 启动平台，再执行此命令`);
      return control.services;
    };
    cached = { kind: 'embedded', db, dataDir, embedded: cfg, ensure: async () => undefined, jwtSecret: () => cfg.JWT_SECRET ?? persistentSecret(dataDir), services };
  }
  return cached;
}
