import { resetPassword, unlock } from './accounts.js';
import type { AdminCommand } from './command.js';

/** Every command of `npm run admin`, in the order the usage lists them. One line per command file. */
export const COMMANDS: AdminCommand[] = [
  resetPassword,
  unlock,
];
