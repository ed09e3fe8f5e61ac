import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { annualCsv, annualRows, annualText, annualXlsx, type AnnualFigures, type UnitFigures } from './annual-report.js';

/** A rate as the reporting service gives it. */
const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
const assigned = () => {
  const counts = { received: 0, closedSubstantive: 0, closedProcedural: 0, open: 0, resolution: r(0, 0) };
  return { ...counts, backlog: { ...counts } };
};
const unit = (key: string, received: number, closed: number, onTime: [number, number], resolution: [number, number], satisfaction: [number, number]): UnitFigures => ({
  key,
  received,
  closed,
  overdue: 0,
  closedOnTime: onTime[0],
  rates: { onTimeClosure: r(...onTime), resolution: r(...resolution), satisfaction: r(...satisfaction) },
});
const NAMES: Record<string, string> = { housing: '住房和城乡建设局', labour: '人力资源和社会保障局', health: '卫生健康委员会' };
const unitName = (code: string) => NAMES[code] ?? code;

/**
 * A hand-made year: 12 received (housing 6, labour 6, none for health, which closed 2 cases of the
 * year before), 11 closed, 7 of them closed the first time.
 */
function figures(over: Partial<AnnualFigures> = {}): AnnualFigures {
  return {
    year: 2024,
    summary: {
      period: { from: '2024-01-01', to: '2024-12-31', timeZone: 'Asia/Shanghai' },
      received: { cases: 12, contacts: 13, persons: 14, byChannel: { visit: 4, letter: 9 } },
      closed: { total: 11, substantive: 10, procedural: 1, diverted: 0, onTime: 9 },
      reception: { sessions: 1, persons: 2, cases: 1 },
      rates: {
        timelyAcceptance: r(12, 12),
        onTimeClosure: r(9, 11),
        closure: r(11, 11),
        resolution: r(9, 12),
        substantiveResolution: r(8, 12),
        satisfaction: r(5, 6),
        participation: r(6, 8),
        repeat: r(1, 13),
        firstTimeResolution: r(7, 11),
      },
      assigned: { central: assigned(), provincial: assigned(), municipal: assigned() },
    },
    units: [unit('housing', 6, 5, [4, 5], [5, 6], [2, 3]), unit('labour', 6, 4, [3, 4], [4, 6], [0, 0]), unit('health', 0, 2, [2, 2], [0, 0], [3, 3])],
    byUnit: [
      { unitCode: 'housing', cases: 6 },
      { unitCode: 'labour', cases: 6 },
    ],
    byCategory: [
      { category: 'urban-rural-construction', cases: 5 },
      { category: 'labour-social-security', cases: 4 },
      { category: 'environment', cases: 1 },
      { category: 'health', cases: 1 },
      { category: 'land-resources', cases: 1 },
    ],
    byPurpose: [{ purpose: 'appeal', cases: 12 }],
    groupVisits: 0,
    routing: { transfer: 12, assign: 0 },
    supervision: { total: 0, automatic: 0 },
    ...over,
  };
}
/** The lines of a text: the sections by their number. */
const line = (text: string, head: string) => text.split('\n').find((l) => l.startsWith(head));

describe('the annual report: first-time resolution, the units ranked, the top categories', () => {
  it('states first-time resolution in the closure sentence', () => {
    expect(line(annualText(figures(), unitName), '三、')).toBe(
      '三、依照《信访工作条例》办结11件（实体性办结10件、程序性办结1件），办结率100%（11/11），按期办结率81.8%（9/11），及时受理率100%（12/12），一次性化解率63.6%（7/11）。',
    );
  });

  it('ranks the units by received and says how each handled its cases; a unit that only closed is not among the most complained of', () => {
    expect(line(annualText(figures(), unitName), '七、')).toBe(
      '七、受理信访事项较多的单位依次为：住房和城乡建设局（6件）、人力资源和社会保障局（6件）。' +
        '各单位办理情况：住房和城乡建设局6件，办结5件，按期办结率80%（4/5），化解率83.3%（5/6），满意率66.7%（2/3）；' +
        '人力资源和社会保障局6件，办结4件，按期办结率75%（3/4），化解率66.7%（4/6），满意率—（无应统计事项）；' +
        '卫生健康委员会0件，办结2件，按期办结率100%（2/2），化解率—（无应统计事项），满意率100%（3/3）。',
    );
  });

  it('names the top five categories, in order', () => {
    expect(line(annualText(figures(), unitName), '八、')).toBe('八、反映问题较集中的领域依次为：城乡建设（5件）、劳动和社会保障（4件）、环境保护（1件）、卫生健康（1件）、国土资源（1件）。');
  });

  it('names five units in the prose and points to the table for the rest', () => {
    const seven = Array.from({ length: 7 }, (_, i) => unit(`u${i}`, 7 - i, 7 - i, [7 - i, 7 - i], [7 - i, 7 - i], [0, 0]));
    const name = (code: string) => `${'甲乙丙丁戊己庚'[Number(code.slice(1))]}局`;
    expect(line(annualText(figures({ units: seven }), name), '七、')).toBe(
      '七、受理信访事项较多的单位依次为：甲局（7件）、乙局（6件）、丙局（5件）、丁局（4件）、戊局（3件）。' +
        '各单位办理情况：甲局7件，办结7件，按期办结率100%（7/7），化解率100%（7/7），满意率—（无应统计事项）；' +
        '乙局6件，办结6件，按期办结率100%（6/6），化解率100%（6/6），满意率—（无应统计事项）；' +
        '丙局5件，办结5件，按期办结率100%（5/5），化解率100%（5/5），满意率—（无应统计事项）；' +
        '丁局4件，办结4件，按期办结率100%（4/4），化解率100%（4/4），满意率—（无应统计事项）；' +
        '戊局3件，办结3件，按期办结率100%（3/3），化解率100%（3/3），满意率—（无应统计事项）；其余2个单位见统计表。',
    );
    // The rows hold all seven.
    expect(
      annualRows(figures({ units: seven }), name)
        .filter(([s, item]) => s === '各责任单位排名' && item.endsWith('受理（件）'))
        .map(([, item]) => item),
    ).toEqual(['第1名 甲局', '第2名 乙局', '第3名 丙局', '第4名 丁局', '第5名 戊局', '第6名 己局', '第7名 庚局'].map((u) => `${u}：受理（件）`));
  });

  it('says so plainly when there are no units and no categories', () => {
    const text = annualText(figures({ units: [], byUnit: [], byCategory: [] }), unitName);
    expect(line(text, '七、')).toBe('七、本年度没有责任单位受理或办结的信访事项。');
    expect(line(text, '八、')).toBe('八、本年度没有按内容分类统计的信访事项。');
    const rows = annualRows(figures({ units: [], byUnit: [], byCategory: [] }), unitName);
    expect(rows.filter(([s]) => s === '各责任单位排名' || s === '内容分类')).toEqual([]);
  });

  it('leaves out the ranking sentence when no unit received anything, and keeps the handling', () => {
    const text = annualText(figures({ units: [unit('health', 0, 2, [2, 2], [0, 0], [3, 3])] }), unitName);
    expect(line(text, '七、')).toBe('七、各单位办理情况：卫生健康委员会0件，办结2件，按期办结率100%（2/2），化解率—（无应统计事项），满意率100%（3/3）。');
  });

  it('writes the rows: first-time resolution, every unit by rank (equal received, equal rank), every category ranked', () => {
    const rows = annualRows(figures(), unitName);
    expect(rows).toContainEqual(['办理情况', '一次性化解率', '63.6%（7/11）']);
    expect(rows.findIndex(([, item]) => item === '一次性化解率')).toBe(rows.findIndex(([, item]) => item === '实体化解率') + 1);
    expect(rows.filter(([s]) => s === '各责任单位排名')).toEqual([
      ['各责任单位排名', '第1名 住房和城乡建设局：受理（件）', 6],
      ['各责任单位排名', '第1名 住房和城乡建设局：办结（件）', 5],
      ['各责任单位排名', '第1名 住房和城乡建设局：按期办结率', '80%（4/5）'],
      ['各责任单位排名', '第1名 住房和城乡建设局：化解率', '83.3%（5/6）'],
      ['各责任单位排名', '第1名 住房和城乡建设局：满意率', '66.7%（2/3）'],
      ['各责任单位排名', '第1名 人力资源和社会保障局：受理（件）', 6],
      ['各责任单位排名', '第1名 人力资源和社会保障局：办结（件）', 4],
      ['各责任单位排名', '第1名 人力资源和社会保障局：按期办结率', '75%（3/4）'],
      ['各责任单位排名', '第1名 人力资源和社会保障局：化解率', '66.7%（4/6）'],
      ['各责任单位排名', '第1名 人力资源和社会保障局：满意率', '—（无应统计事项）'],
      ['各责任单位排名', '第3名 卫生健康委员会：受理（件）', 0],
      ['各责任单位排名', '第3名 卫生健康委员会：办结（件）', 2],
      ['各责任单位排名', '第3名 卫生健康委员会：按期办结率', '100%（2/2）'],
      ['各责任单位排名', '第3名 卫生健康委员会：化解率', '—（无应统计事项）'],
      ['各责任单位排名', '第3名 卫生健康委员会：满意率', '100%（3/3）'],
    ]);
    // All five categories, not only the prose's top five, most cases first.
    expect(rows.filter(([s]) => s === '内容分类')).toEqual([
      ['内容分类', '城乡建设', 5],
      ['内容分类', '劳动和社会保障', 4],
      ['内容分类', '环境保护', 1],
      ['内容分类', '卫生健康', 1],
      ['内容分类', '国土资源', 1],
    ]);
    // Ranked even when handed over out of order (equals keep the order they came in).
    const shuffled = figures({ byCategory: [...figures().byCategory].reverse() });
    expect(
      annualRows(shuffled, unitName)
        .filter(([s]) => s === '内容分类')
        .map(([, item]) => item),
    ).toEqual(['城乡建设', '劳动和社会保障', '国土资源', '卫生健康', '环境保护']);
  });

  it('writes the same rows into the CSV and the XLSX', async () => {
    const rows = annualRows(figures(), unitName);
    const csv = annualCsv(rows);
    expect(csv).toContain('\r\n办理情况,一次性化解率,63.6%（7/11）\r\n');
    expect(csv).toContain('\r\n各责任单位排名,第3名 卫生健康委员会：受理（件）,0\r\n');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await annualXlsx(figures(), rows)) as never);
    const sheet = wb.worksheets[0]
      .getSheetValues()
      .filter(Boolean)
      .map((row) => (row as unknown[]).slice(1));
    expect(sheet).toContainEqual(['办理情况', '一次性化解率', '63.6%（7/11）']);
    expect(sheet).toContainEqual(['各责任单位排名', '第1名 人力资源和社会保障局：受理（件）', 6]);
    expect(sheet).toContainEqual(['内容分类', '城乡建设', 5]);
  });
});
