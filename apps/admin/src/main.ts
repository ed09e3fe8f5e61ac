import 'reflect-metadata';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './commands/command.js';
import { PlatformNotRunningError } from './mode.js';
import { ControlUnavailableError } from './control-client.js';

/**
 * `npm run admin -- <command> …`: the administrator's tools when the web app cannot help.
 * Distributed when DATABASE_URL is set (the services' databases), else embedded (DATA_DIR).
 * Works while the platform runs. `npm run admin` alone lists the commands.
 */
const usage = (): string => ['usage: npm run admin -- <command>', ...COMMANDS.map((c) => `  ${c.usage.padEnd(40)} ${c.summary}`)].join('\n');

const [name, ...args] = process.argv.slice(2);
const command = COMMANDS.find((c) => c.name === name);
if (!name || name === 'help' || name === '--help') {
  (name ? process.stdout : process.stderr).write(usage() + '\n');
  process.exit(name ? 0 : 64);
}
if (!command) {
  // One line: scripts that call the tool read its stderr.
  process.stderr.write(`admin: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')} (npm run admin -- help)\n`);
  process.exit(64);
}
try {
  process.exit(await command.run(args));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`admin: ${command.name}: ${e.message}; usage: npm run admin -- ${command.usage}\n`);
    process.exit(64);
  }
  if (e instanceof PlatformNotRunningError || e instanceof ControlUnavailableError) {
    // One line either way: nothing there to reach, or a platform there that cannot be reached.
    process.stderr.write(`admin: ${e.message}\n`);
    process.exit(69);
  }
  throw e;
}
