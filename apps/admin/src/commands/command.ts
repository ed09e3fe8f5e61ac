/**
 * One command of `npm run admin -- <name> …`. `run` returns the process's exit code (sysexits:
 * 0 done, 64 usage, 65 bad data, 66 no such input, 69 unavailable, 70 internal, 74 I/O, 75 refused
 * for now (the platform runs), 78 configuration); what
 * it prints for the operator goes to stdout in Chinese, errors to stderr as one line.
 */
export interface AdminCommand {
  name: string;
  /** e.g. `reset-password <username>` */
  usage: string;
  /** One line in Chinese for the usage list. */
  summary: string;
  run(args: string[]): Promise<number>;
}

/** A usage error of one command: printed as one line with the command's usage, exit 64. */
export class UsageError extends Error {}
