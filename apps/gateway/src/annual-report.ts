import ExcelJS from 'exceljs';
import { categoryName as nameOfCategory } from '#libs/contracts';

interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
interface AssignedCounts {
  received: number;
  closedSubstantive: number;
  closedProcedural: number;
  open: number;
  resolution: Rate;
}
/** Everything assigned from one level, and apart from it the backlog cases (积案) among them. */
interface AssignedFigures extends AssignedCounts {
  backlog: AssignedCounts;
}
/** One unit's row of the breakdown by unit. */
export interface UnitFigures {
  key: string;
  received: number;
  closed: number;
  overdue: number;
  closedOnTime: number;
  rates: Record<'onTimeClosure' | 'resolution' | 'satisfaction', Rate>;
}
export interface AnnualFigures {
  year: number;
  summary: {
    period: { from: string; to: string; timeZone: string };
    received: { cases: number; contacts: number; persons: number; byChannel: Record<string, number> };
    closed: { total: number; substantive: number; procedural: number; diverted: number; onTime: number };
    reception: { sessions: number; persons: number; cases: number };
    rates: Record<'timelyAcceptance' | 'onTimeClosure' | 'closure' | 'resolution' | 'substantiveResolution' | 'satisfaction' | 'participation' | 'repeat' | 'firstTimeResolution', Rate>;
    assigned: Record<'central' | 'provincial' | 'municipal', AssignedFigures>;
  };
  /** The units ranked: the breakdown by unit (received, closed, and each unit's rates), received descending. */
  units: UnitFigures[];
  byUnit: { unitCode: string; cases: number }[];
  byCategory: { category: string; cases: number }[];
  byPurpose: { purpose: string; cases: number }[];
  groupVisits: number;
  routing: { transfer: number; assign: number };
  supervision: { total: number; automatic: number };
  /** Cases whose stored data could not be computed: counted where their columns suffice, left out of the rest. */
  unrenderable?: { cases: number; items: { id: string; trackingNo: string }[] };
}

const PURPOSE_NAMES: Record<string, string> = { accusation: '检举控告', suggestion: '意见建议', appeal: '申诉求决' };
const CHANNEL_NAMES: [string, string][] = [
  ['visit', '来访'],
  ['letter', '来信'],
  ['online', '网上信访'],
  ['phone', '来电'],
  ['fax', '传真'],
];
const categoryName = (code: string) => nameOfCategory(code);

/** "100%（41/41）", or a dash when there was nothing to count. */
export function percent(r: Rate): string {
  if (r.rate === null) return `—（无应统计事项）`;
  const p = Math.round(r.rate * 1000) / 10;
  return `${p}%（${r.numerator}/${r.denominator}）`;
}

/** How many a report names by rank in its prose (the rest are in the rows). */
const TOP = 5;

/** The units, most received first (the service's order kept among equals), each with its rank: equal received, equal rank. */
function rankedUnits(f: AnnualFigures): { unit: UnitFigures; rank: number }[] {
  const units = [...f.units].sort((a, b) => b.received - a.received);
  return units.map((unit) => ({ unit, rank: 1 + units.filter((u) => u.received > unit.received).length }));
}

/** The first-level categories, most cases first (the service's order kept among equals). */
function rankedCategories(f: AnnualFigures): { category: string; cases: number }[] {
  return [...f.byCategory].sort((a, b) => b.cases - a.cases);
}

/** Every figure as (section, item, value): the one list the three formats are written from. */
export function annualRows(f: AnnualFigures, unitName: (code: string) => string): [string, string, string | number][] {
  const s = f.summary;
  const a = s.assigned;
  const rows: [string, string, string | number][] = [
    ['统计口径', '期间', `${s.period.from} 至 ${s.period.to}（${s.period.timeZone}）`],
    ['受理情况', '登记信访事项（件）', s.received.cases],
    ['受理情况', '登记信访（件次）', s.received.contacts],
    ['受理情况', '涉及人次', s.received.persons],
    ...CHANNEL_NAMES.map(([k, name]): [string, string, number] => ['受理情况', `其中${name}（件次）`, s.received.byChannel[k] ?? 0]),
    ['受理情况', '集体访（件）', f.groupVisits],
    ['领导接访', '大接访、约访、专访等活动（次）', s.reception.sessions],
    ['领导接访', '接待来访群众（人）', s.reception.persons],
    ['领导接访', '处理访件（件）', s.reception.cases],
    ['办理情况', '办结（件）', s.closed.total],
    ['办理情况', '其中实体性办结（件）', s.closed.substantive],
    ['办理情况', '其中程序性办结（件）', s.closed.procedural],
    ['办理情况', '程序性办结中导入相应程序（件）', s.closed.diverted],
    ['办理情况', '按期办结（件）', s.closed.onTime],
    ['办理情况', '办结率', percent(s.rates.closure)],
    ['办理情况', '按期办结率', percent(s.rates.onTimeClosure)],
    ['办理情况', '及时受理率', percent(s.rates.timelyAcceptance)],
    ['办理情况', '化解率', percent(s.rates.resolution)],
    ['办理情况', '实体化解率', percent(s.rates.substantiveResolution)],
    ['办理情况', '一次性化解率', percent(s.rates.firstTimeResolution)],
    ['群众评价', '满意率', percent(s.rates.satisfaction)],
    ['群众评价', '参评率', percent(s.rates.participation)],
    ['群众评价', '重复信访率', percent(s.rates.repeat)],
  ];
  for (const [key, name] of [
    ['central', '中央交办'],
    ['provincial', '省（自治区）交办'],
    ['municipal', '市交办'],
  ] as const) {
    rows.push(
      ['交办事项', `${name}（件）`, a[key].received],
      ['交办事项', `${name}实体性办结（件）`, a[key].closedSubstantive],
      ['交办事项', `${name}程序性办结（件）`, a[key].closedProcedural],
      ['交办事项', `${name}化解率`, percent(a[key].resolution)],
      ['交办积案', `${name}积案（件）`, a[key].backlog.received],
      ['交办积案', `${name}积案实体性办结（件）`, a[key].backlog.closedSubstantive],
      ['交办积案', `${name}积案程序性办结（件）`, a[key].backlog.closedProcedural],
      ['交办积案', `${name}积案化解率`, percent(a[key].backlog.resolution)],
    );
  }
  rows.push(
    ['转送交办督办', '转送（件）', f.routing.transfer],
    ['转送交办督办', '交办（件）', f.routing.assign],
    ['转送交办督办', '督办（次）', f.supervision.total],
    ['转送交办督办', '其中逾期自动督办（次）', f.supervision.automatic],
    ...f.byPurpose.map((p): [string, string, number] => ['信访目的', PURPOSE_NAMES[p.purpose] ?? p.purpose, p.cases]),
    ...rankedCategories(f).map((c): [string, string, number] => ['内容分类', categoryName(c.category), c.cases]),
    ...f.byUnit.map((u): [string, string, number] => ['责任单位（信访事项较多的单位）', unitName(u.unitCode), u.cases]),
  );
  // Every unit by rank, one figure a row (the list stays three columns): received, closed and its three rates.
  for (const { unit: u, rank } of rankedUnits(f)) {
    const name = `第${rank}名 ${unitName(u.key)}`;
    rows.push(
      ['各责任单位排名', `${name}：受理（件）`, u.received],
      ['各责任单位排名', `${name}：办结（件）`, u.closed],
      ['各责任单位排名', `${name}：按期办结率`, percent(u.rates.onTimeClosure)],
      ['各责任单位排名', `${name}：化解率`, percent(u.rates.resolution)],
      ['各责任单位排名', `${name}：满意率`, percent(u.rates.satisfaction)],
    );
  }
  if (f.unrenderable?.cases) {
    rows.push(['数据核查', '数据异常、未计入期限类指标的案件（件）', f.unrenderable.cases], ['数据核查', '其信访编号', f.unrenderable.items.map((c) => c.trackingNo).join('、')]);
  }
  return rows;
}

/** The annual report as prose, the way the office writes it into its yearly report. */
export function annualText(f: AnnualFigures, unitName: (code: string) => string): string {
  const s = f.summary;
  const central = s.assigned.central;
  const provincial = s.assigned.provincial;
  const assignedUp = central.received + provincial.received;
  const resolvedUp = central.closedSubstantive + central.closedProcedural + provincial.closedSubstantive + provincial.closedProcedural;
  const upRate = percent({ numerator: resolvedUp, denominator: assignedUp, rate: assignedUp ? resolvedUp / assignedUp : null });
  // The backlog cases (积案) among them, named apart: the seed's "交办积案7件" are these.
  const cb = central.backlog;
  const pb = provincial.backlog;
  const backlogUp = cb.received + pb.received;
  const backlogResolved = cb.closedSubstantive + cb.closedProcedural + pb.closedSubstantive + pb.closedProcedural;
  const backlogRate = percent({ numerator: backlogResolved, denominator: backlogUp, rate: backlogUp ? backlogResolved / backlogUp : null });
  const units = rankedUnits(f).map((r) => r.unit);
  const busiest = units.filter((u) => u.received > 0).slice(0, TOP);
  const handled = units.slice(0, TOP);
  const unitsSection = units.length
    ? [
        `七、${busiest.length ? `受理信访事项较多的单位依次为：${busiest.map((u) => `${unitName(u.key)}（${u.received}件）`).join('、')}。` : ''}`,
        `各单位办理情况：${handled
          .map((u) => `${unitName(u.key)}${u.received}件，办结${u.closed}件，按期办结率${percent(u.rates.onTimeClosure)}，化解率${percent(u.rates.resolution)}，满意率${percent(u.rates.satisfaction)}`)
          .join('；')}${units.length > TOP ? `；其余${units.length - TOP}个单位见统计表` : ''}。`,
      ].join('')
    : '七、本年度没有责任单位受理或办结的信访事项。';
  const categories = rankedCategories(f).slice(0, TOP);
  const categoriesSection = categories.length
    ? `八、反映问题较集中的领域依次为：${categories.map((c) => `${categoryName(c.category)}（${c.cases}件）`).join('、')}。`
    : '八、本年度没有按内容分类统计的信访事项。';
  const channels = CHANNEL_NAMES.map(([k, name]) => `${name}${s.received.byChannel[k] ?? 0}`).join('、');
  return [
    `${f.year}年度信访工作情况`,
    `（统计期间 ${s.period.from} 至 ${s.period.to}，时区 ${s.period.timeZone}；比率均注明分子/分母）`,
    '',
    `一、全年登记信访事项${s.received.cases}件，信访${s.received.contacts}件次、${s.received.persons}人次（${channels}），其中集体访${f.groupVisits}件。`,
    `二、全年开展领导干部大接访、约访、专访等活动${s.reception.sessions}次，接待来访群众${s.reception.persons}人，处理访件${s.reception.cases}件。`,
    `三、依照《信访工作条例》办结${s.closed.total}件（实体性办结${s.closed.substantive}件、程序性办结${s.closed.procedural}件${s.closed.diverted ? `，其中导入相应程序${s.closed.diverted}件` : ''}），办结率${percent(s.rates.closure)}，按期办结率${percent(s.rates.onTimeClosure)}，及时受理率${percent(s.rates.timelyAcceptance)}，一次性化解率${percent(s.rates.firstTimeResolution)}。`,
    `四、收到中央、自治区（省）交办事项${assignedUp}件，程序性办结${central.closedProcedural + provincial.closedProcedural}件、实体性办结${central.closedSubstantive + provincial.closedSubstantive}件，总化解率${upRate}；其中交办积案${backlogUp}件，程序性办结${cb.closedProcedural + pb.closedProcedural}件、实体性办结${cb.closedSubstantive + pb.closedSubstantive}件，化解率${backlogRate}；市交办事项${s.assigned.municipal.received}件。`,
    `五、群众满意率${percent(s.rates.satisfaction)}，参评率${percent(s.rates.participation)}，重复信访率${percent(s.rates.repeat)}。`,
    `六、转送${f.routing.transfer}件，交办${f.routing.assign}件，督办${f.supervision.total}次（其中逾期自动督办${f.supervision.automatic}次）。`,
    unitsSection,
    categoriesSection,
    ...(f.unrenderable?.cases
      ? [`（注：${f.unrenderable.cases}件案件数据异常，已计入登记、办结件数，未计入期限类比率，待系统管理员核查：${f.unrenderable.items.map((c) => c.trackingNo).join('、')}。）`]
      : []),
    '',
  ].join('\n');
}

/**
 * OWASP's CSV-injection rule: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return is prefixed with `'`, so no spreadsheet takes it for a formula. Unit names are typed by
 * people; numbers stay numbers.
 */
export function neutraliseFormula<T extends string | number>(v: T): T | string {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export function annualCsv(rows: [string, string, string | number][]): string {
  const cell = (v: string | number) => {
    const t = String(neutraliseFormula(v));
    return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  // The BOM lets Excel open the UTF-8 Chinese text correctly.
  return '\uFEFF' + [['类别', '项目', '数值'], ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export async function annualXlsx(f: AnnualFigures, rows: [string, string, string | number][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '信访工作平台';
  const sheet = wb.addWorksheet(`${f.year}年度`);
  sheet.columns = [
    { header: '类别', key: 'section', width: 28 },
    { header: '项目', key: 'item', width: 36 },
    { header: '数值', key: 'value', width: 24 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const [section, item, value] of rows) sheet.addRow({ section: neutraliseFormula(section), item: neutraliseFormula(item), value: neutraliseFormula(value) });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
