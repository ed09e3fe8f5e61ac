import { AlignmentType, Document, LineRuleType, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { chineseDate } from './chinese.js';
import type { DocumentFacts } from './facts.js';

/** Font names as Word knows them on a Chinese office's machine (GB/T 9704). */
export const DOCX_FONTS = { title: '方正小标宋简体', heading: '黑体', body: '仿宋' } as const;

const font = (name: string) => ({ ascii: name, eastAsia: name, hAnsi: name, cs: name });
/** Half-points: 二号 22 pt (title), 三号 16 pt (body), 四号 14 pt (tables). */
const SIZE = { title: 44, body: 32, table: 28 };
/** A4 in twips, the margins of GB/T 9704 (37 / 26 / 35 / 28 mm). */
const mm = (n: number) => Math.round((n / 25.4) * 1440);
const PAGE = { size: { width: 11906, height: 16838 }, margin: { top: mm(37), right: mm(26), bottom: mm(35), left: mm(28) } };
/** A fixed 28 pt line (22 lines a page). */
const LINE = { line: 560, lineRule: LineRuleType.EXACT };

const body = (text: string, opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    spacing: LINE,
    ...(opts.indent === false ? {} : { indent: { firstLineChars: 200 } }),
    children: [new TextRun({ text, font: font(DOCX_FONTS.body), size: SIZE.body })],
  });

const heading = (text: string) => new Paragraph({ spacing: { ...LINE, before: 120 }, children: [new TextRun({ text, font: font(DOCX_FONTS.heading), size: SIZE.body })] });

const cell = (text: string, opts: { header?: boolean; span?: number; width?: number } = {}) =>
  new TableCell({
    ...(opts.span ? { columnSpan: opts.span } : {}),
    ...(opts.width ? { width: { size: opts.width, type: WidthType.PERCENTAGE } } : {}),
    children: [new Paragraph({ children: [new TextRun({ text, font: font(opts.header ? DOCX_FONTS.heading : DOCX_FONTS.body), size: SIZE.table })] })],
  });

const table = (rows: TableRow[]) => new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows });

/** The document as a Word file (.docx): A4, 仿宋 body, the title in 方正小标宋, headings in 黑体. */
export async function renderDocx(f: DocumentFacts): Promise<Buffer> {
  const children = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: f.title, font: font(DOCX_FONTS.title), size: SIZE.title })] }),
    body(f.number, { indent: false, align: AlignmentType.CENTER }),
    body(`${f.addressee}：`, { indent: false, align: AlignmentType.LEFT }),
    ...f.sections.flatMap((s) => [...(s.heading ? [heading(s.heading)] : []), ...s.paragraphs.map((p) => body(p))]),
    new Paragraph({ spacing: { after: 120 }, children: [] }),
    table(f.particulars.map((p) => new TableRow({ children: [cell(p.label, { header: true, width: 22 }), cell(p.value, { span: 3 })] }))),
    new Paragraph({ spacing: { after: 120 }, children: [] }),
    table([
      new TableRow({ tableHeader: true, children: ['信访人', '身份证号', '联系电话', '住址'].map((h) => cell(h, { header: true })) }),
      ...f.petitioners.map((p) => new TableRow({ children: [p.name, p.idNumber ?? '—', p.phone ?? '—', p.address ?? '—'].map((v) => cell(v)) })),
    ]),
    heading(f.nextStep.heading),
    body(f.nextStep.text),
    new Paragraph({ spacing: { before: 840 }, children: [] }),
    body(f.issuer, { indent: false, align: AlignmentType.RIGHT }),
    body(chineseDate(f.date), { indent: false, align: AlignmentType.RIGHT }),
  ];
  const doc = new Document({
    creator: f.issuer,
    title: `${f.title} ${f.number}`,
    description: `${f.title}（信访编号 ${f.trackingNo}）`,
    styles: { default: { document: { run: { font: font(DOCX_FONTS.body), size: SIZE.body } } } },
    sections: [{ properties: { page: PAGE }, children }],
  });
  return Packer.toBuffer(doc);
}
