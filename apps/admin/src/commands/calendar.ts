import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkCalendarData, mergeCalendarData, PRC_CALENDAR_DATA, PrcCalendar, sameDays, validateCalendarData, type CalendarData } from '#libs/regulation';
import { CalendarController } from '../../../gateway/src/calendar.js';
import { DATA_DIR_CALENDAR } from '../../../embedded/src/embedded.js';
import { connectControl } from '../control-client.js';
import { adminMode } from '../mode.js';
import { UsageError, type AdminCommand } from './command.js';
import { domainExit, withGateway } from './dead-letters.js';

const out = (line: string) => void process.stdout.write(line + '\n');
const fail = (line: string) => void process.stderr.write(`admin: ${line}\n`);

/** The file read and checked; prints every problem, one line each; `data` only when it is fit to load. */
function check(file: string): { data?: CalendarData; code: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`无法读取日历文件 ${file}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return { code: 66 };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    out(`日历文件 ${file} 不是有效的 JSON：${(e as Error).message}`);
    return { code: 65 };
  }
  const r = checkCalendarData(json, PRC_CALENDAR_DATA);
  for (const n of r.notes) out(`说明：${n}`);
  if (r.problems.length) {
    for (const p of r.problems) out(`${p.at}：${p.message}`);
    out(`日历文件 ${file} 有 ${r.problems.length} 处问题，不能加载`);
    return { code: 65 };
  }
  // What the services do with the file at start (CALENDAR_FILE): it must pass there too.
  try {
    const data = validateCalendarData(json, `calendar file ${file}`);
    new PrcCalendar(mergeCalendarData(PRC_CALENDAR_DATA, data));
    const years = r.years;
    out(`日历文件 ${file} 检查通过：${years[0]}–${years[years.length - 1]} 年共 ${years.length} 年，日期、调休和法定节假日均无问题`);
    return { data, code: 0 };
  } catch (e) {
    out(`日历文件 ${file} 不能被平台读取：${(e as Error).message}`);
    return { code: 65 };
  }
}

/**
 * Distributed, with the services' INTERNAL_TOKEN: each year of the file that the running platform
 * answers differently is loaded as POST /api/v1/admin/calendar loads it (the gateway's own code,
 * the security log naming cli:<user>): the deadline service keeps it and every service applies
 * it at once, no restart. The file's other years are left alone.
 */
async function upload(data: CalendarData): Promise<number> {
  return withGateway(async (app, operator) => {
    const calendarApi = app.get(CalendarController);
    let have: Map<number, { holidays: string[]; workdays: string[]; notice: string | null }>;
    try {
      have = new Map((await calendarApi.list(operator)).items.map((i) => [i.year, i]));
    } catch (e) {
      return domainExit(e);
    }
    const changed = Object.entries(data.years).filter(([y, e]) => {
      const h = have.get(Number(y));
      return !h || !sameDays(h, e) || (h.notice ?? '') !== (e.notice ?? '');
    });
    if (!changed.length) {
      out('平台已按文件中的各年度安排计算期限，无需加载');
      return 0;
    }
    for (const [year, entry] of changed) {
      try {
        const view = (await calendarApi.load({ year: Number(year), ...entry }, operator, {})) as { result: { computed: number; moved: number; cases: unknown[] } | null };
        const r = view.result;
        out(`${year} 年节假日安排已加载，各服务立即生效：${r ? `${r.computed} 个期限得以计算，${r.moved} 个期限调整，涉及 ${r.cases.length} 件信访事项` : '期限重算中'}`);
      } catch (e) {
        return domainExit(e);
      }
    }
    return 0;
  });
}

function oneFile(args: string[], what: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`需要且只需要一个${what}`);
  return args[0];
}

export const calendar: AdminCommand = {
  name: 'calendar',
  usage: 'calendar check|load|export <file>',
  summary: '节假日日历文件：检查（格式与《全国年节及纪念日放假办法》）、加载到平台（分布式且设置了 INTERNAL_TOKEN 时经期限服务立即生效）、导出内置日历',
  run: async ([sub, ...args]) => {
    if (sub === 'check') {
      return check(oneFile(args, '日历文件')).code;
    }
    if (sub === 'export') {
      const file = resolve(oneFile(args, '输出文件名'));
      writeFileSync(file, JSON.stringify(PRC_CALENDAR_DATA, null, 2) + '\n');
      out(`内置日历（${Object.keys(PRC_CALENDAR_DATA.years).join('、')} 年）已导出到 ${file}；补充新一年的国务院通知后用 calendar check 检查、calendar load 加载`);
      return 0;
    }
    if (sub === 'load') {
      const file = oneFile(args, '日历文件');
      const checked = check(file);
      if (checked.code !== 0 || !checked.data) return checked.code;
      const mode = await adminMode();
      if (mode.kind === 'distributed' && process.env.INTERNAL_TOKEN) return upload(checked.data);
      if (mode.kind === 'distributed') {
        out(
          '分布式部署：未设置 INTERNAL_TOKEN，本工具无法调用期限服务（也可在系统管理 → 节假日安排中上传，或设置 INTERNAL_TOKEN、DEADLINE_URL、REPORTING_URL 后重试，立即生效、无需重启）。检查已通过，请按以下步骤加载（deploy/k8s）：',
        );
        out(`  1. kubectl -n petition create configmap petition-calendar --from-file=calendar.json=${resolve(file)} --dry-run=client -o yaml | kubectl apply -f -`);
        out('  2. 在 deploy/k8s/configmap.yaml 中启用 CALENDAR_FILE: "/etc/petition/calendar/calendar.json"（已挂载到 assignment、deadline、closure、reporting）并 kubectl apply');
        out('  3. 重启这四个服务：kubectl -n petition rollout restart deployment assignment deadline closure reporting；启动时校验该文件，期限服务重算此前因缺少年份而未计算的期限');
        return 0;
      }
      const dataDir = mode.dataDir!;
      const target = join(dataDir, DATA_DIR_CALENDAR);
      const temp = `${target}.${process.pid}.tmp`;
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify(checked.data, null, 2) + '\n', { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, target);
      out(`已安装到 ${target}`);
      if (mode.embedded?.CALENDAR_FILE) out(`注意：已设置 CALENDAR_FILE=${mode.embedded.CALENDAR_FILE}，平台优先读取该文件；要使用刚安装的日历，请取消 CALENDAR_FILE`);
      const running = existsSync(dataDir) ? await connectControl(dataDir) : null;
      out(running ? '平台正在运行：请重启平台（停止后再 npm start）使新日历生效' : '下次启动平台（npm start）时生效');
      return 0;
    }
    throw new UsageError(sub ? `未知的子命令「${sub}」` : '需要子命令 check、load 或 export');
  },
};
