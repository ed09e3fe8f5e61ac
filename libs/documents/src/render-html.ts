import { chineseDate } from './chinese.js';
import type { DocumentFacts } from './facts.js';

/** Text for HTML: every character that could open markup or leave an attribute is escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[ch]!);
}

/**
 * The fonts of an official document (GB/T 9704): the title in 方正小标宋, headings in 黑体, the body
 * in 仿宋 — with the names other systems give the same faces after them.
 */
export const FONTS = {
  title: ['方正小标宋简体', '方正小标宋_GBK', 'FZXiaoBiaoSong-B05S', 'STZhongsong', '华文中宋', 'serif'],
  heading: ['黑体', 'SimHei', 'STHeiti', 'Noto Sans CJK SC', 'sans-serif'],
  body: ['仿宋', 'FangSong', '仿宋_GB2312', 'STFangsong', 'Noto Serif CJK SC', 'serif'],
};
const family = (names: string[]) => names.map((n) => (/^[a-z-]+$/.test(n) ? n : `"${n}"`)).join(', ');

/** The print style: A4 with the margins of GB/T 9704, 三号 body (16 pt), 二号 title (22 pt). */
const STYLE = `
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #f3f3f3; }
body { font-family: ${family(FONTS.body)}; font-size: 16pt; line-height: 28pt; color: #000; margin: 0; }
main { background: #fff; width: 210mm; min-height: 297mm; box-sizing: border-box; padding: 37mm 26mm 35mm 28mm; margin: 12px auto; }
h1 { font-family: ${family(FONTS.title)}; font-size: 22pt; line-height: 36pt; font-weight: normal; text-align: center; margin: 0 0 14pt; }
h2 { font-family: ${family(FONTS.heading)}; font-size: 16pt; font-weight: normal; margin: 14pt 0 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.number { text-align: center; text-indent: 0; margin-bottom: 14pt; }
p.addressee { text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 10pt 0; font-size: 14pt; line-height: 22pt; }
th, td { border: 1px solid #000; padding: 2pt 6pt; text-align: left; vertical-align: top; font-weight: normal; }
th { font-family: ${family(FONTS.heading)}; width: 22%; }
.signature { margin-top: 42pt; text-align: right; text-indent: 0; padding-right: 2em; }
@media print { html { background: none; } main { width: auto; min-height: 0; padding: 0; margin: 0; } }
`;

/** A print-ready HTML page of the document: everything it states escaped, no script. */
export function renderHtml(f: DocumentFacts): string {
  const e = escapeHtml;
  const rows = [...f.particulars.map((p) => `<tr><th scope="row">${e(p.label)}</th><td colspan="3">${e(p.value)}</td></tr>`)].join('');
  const people = f.petitioners.map((p) => `<tr><td>${e(p.name)}</td><td>${e(p.idNumber ?? '—')}</td><td>${e(p.phone ?? '—')}</td><td>${e(p.address ?? '—')}</td></tr>`).join('');
  const sections = f.sections.map((s) => `${s.heading ? `<h2>${e(s.heading)}</h2>` : ''}${s.paragraphs.map((p) => `<p>${e(p)}</p>`).join('')}`).join('');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(f.title)} ${e(f.number)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${e(f.title)}</h1>
<p class="number">${e(f.number)}</p>
<p class="addressee">${e(f.addressee)}：</p>
${sections}
<table aria-label="基本情况"><tbody>${rows}</tbody></table>
<table aria-label="信访人"><thead><tr><th scope="col">信访人</th><th scope="col">身份证号</th><th scope="col">联系电话</th><th scope="col">住址</th></tr></thead><tbody>${people}</tbody></table>
<h2>${e(f.nextStep.heading)}</h2>
<p>${e(f.nextStep.text)}</p>
<p class="signature">${e(f.issuer)}<br>${e(chineseDate(f.date))}</p>
</main>
</body>
</html>
`;
}
