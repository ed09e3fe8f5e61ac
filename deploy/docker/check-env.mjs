// Refuses to start a deployment whose secrets are still the published examples.
//
// Reads .env.example (the file next to docker-compose.yml, baked into the image as
// /app/.env.example) and takes as secrets the variables whose example value starts with
// `change-me`. For each of them it compares the value this process received (docker-compose.yml
// passes them to the `config-check` service) with the example value, and prints one line in
// Chinese naming every variable that is unset or still the example value — never the value.
// Exit 0 when all are fine, 1 otherwise, 2 when .env.example cannot be read.
//
//   node deploy/docker/check-env.mjs [path/to/.env.example]
//   (or ENV_EXAMPLE_FILE=path; default: .env.example at the repository / image root)
//
// Plain Node (no dependency): it runs before anything else in the compose project.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Variables assigned in a .env file: `NAME=value` lines; comments and blank lines skipped. */
export function parseEnvFile(text) {
  const vars = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '').trim();
    vars.set(m[1], value);
  }
  return vars;
}

/** The secrets of an example file: variables whose example value is a `change-me…` placeholder. */
export function exampleSecrets(vars) {
  return [...vars].filter(([, v]) => v.toLowerCase().startsWith('change-me')).map(([name, value]) => ({ name, value }));
}

/** One message per bad variable (names only). */
export function checkEnv(exampleText, env) {
  const problems = [];
  for (const { name, value } of exampleSecrets(parseEnvFile(exampleText))) {
    const actual = env[name];
    if (actual === undefined || actual.trim() === '') problems.push(`配置错误：${name} 未设置，请在 .env 中填写（生成方法见 .env.example）`);
    else if (actual === value) problems.push(`配置错误：${name} 仍是 .env.example 中的示例值，请在 .env 中换成新生成的值（生成方法见 .env.example）`);
  }
  return problems;
}

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = process.argv[2] ?? process.env.ENV_EXAMPLE_FILE ?? join(here, '..', '..', '.env.example');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    console.error(`配置检查无法进行：读不到示例配置文件 ${file}`);
    return 2;
  }
  const problems = checkEnv(text, process.env);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`共 ${problems.length} 项配置不可用，所有服务均未启动。`);
    return 1;
  }
  console.log('配置检查通过：密钥均已更换。');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
