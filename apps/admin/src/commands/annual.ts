import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AccountsService } from '../../../gateway/src/accounts.service.js';
import { annualCsv, annualRows, annualText, annualXlsx, type AnnualFigures } from '../../../gateway/src/annual-report.js';
import { PetitionsFacade } from '../../../gateway/src/petitions.facade.js';
import { UsageError, type AdminCommand } from './command.js';
import { domainExit, parseOptions, withGateway } from './dead-letters.js';

const FORMATS = ['xlsx', 'csv', 'text'] as const;
type Format = (typeof FORMATS)[number];
const EXTENSION: Record<Format, string> = { xlsx: 'xlsx', csv: 'csv', text: 'txt' };

/**
 * `annual export <year>`: the annual report (Art. 41) exactly as GET /api/v1/reports/annual
 * renders it — the reporting service's figures (its time zone, the whole office: the command
 * line acts as an administrator), the gateway's unit names, the same three renderings.
 */
export const annual: AdminCommand = {
  name: 'annual',
  usage: 'annual export <year> [--format xlsx|csv|text] [--out file]',
  summary: '导出年度信访工作报告（与网页端相同），默认 信访年度报告-<年度>.xlsx',
  run: async ([sub, ...args]) => {
    if (sub !== 'export') throw new UsageError(sub ? `未知的子命令「${sub}」` : '需要子命令 export');
    const { options, words } = parseOptions(args, { format: 'value', out: 'value' });
    if (words.length !== 1 || !/^\d{4}$/.test(words[0])) throw new UsageError('需要一个四位数的年度，如 2025');
    const year = Number(words[0]);
    if (year < 2000 || year > 2100) throw new UsageError('年度须在 2000 至 2100 之间');
    const format = String(options.format ?? 'xlsx') as Format;
    if (!FORMATS.includes(format)) throw new UsageError('--format 只能是 xlsx、csv 或 text');
    const file = resolve(String(options.out ?? `信访年度报告-${year}.${EXTENSION[format]}`));
    return withGateway(async (app, operator) => {
      let figures: AnnualFigures;
      try {
        figures = (await app.get(PetitionsFacade).annual({ year }, operator)) as AnnualFigures;
      } catch (e) {
        return domainExit(e);
      }
      const units = new Map((await app.get(AccountsService).listUnits()).map((u) => [u.code, u.name]));
      const unitName = (code: string) => units.get(code) ?? code;
      const rows = annualRows(figures, unitName);
      const body = format === 'xlsx' ? await annualXlsx(figures, rows) : format === 'csv' ? annualCsv(rows) : annualText(figures, unitName);
      try {
        writeFileSync(file, body);
      } catch (e) {
        process.stderr.write(`admin: 无法写入 ${file}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return 74;
      }
      const s = figures.summary;
      process.stdout.write(`${year} 年度报告已写入 ${file}（登记 ${s.received.cases} 件，办结 ${s.closed.total} 件；统计期间 ${s.period.from} 至 ${s.period.to}，${s.period.timeZone}）\n`);
      return 0;
    });
  },
};
