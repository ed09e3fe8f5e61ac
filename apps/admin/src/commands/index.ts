import { resetPassword, unlock } from './accounts.js';
import { backup, restore } from './backup.js';
import { annual } from './annual.js';
import { calendar } from './calendar.js';
import type { AdminCommand } from './command.js';
import { deadLetters } from './dead-letters.js';
import { migrations } from './migrations.js';
import { reporting } from './reporting.js';

/** Every command of `npm run admin`, in the order the usage lists them. One line per command file. */
export const COMMANDS: AdminCommand[] = [resetPassword, unlock, backup, restore, calendar, deadLetters, migrations, annual, reporting];
