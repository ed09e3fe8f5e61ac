/**
 * bench/throughput — realistic request bodies: registrations over every channel, purpose and
 * category (the platform's own tree, from GET /api/v1/categories), one to a few petitioners with
 * valid 18-character identity numbers (GB 11643 check character, libs/common's own function),
 * phones, addresses, now and then a group visit or a case handed down from above; closures with
 * every outcome. Each registration's petitioners are new people (a run-wide counter goes into
 * their identity numbers and phones), so none is a repeat contact of an open case (Art. 19(3)) and
 * every 201/202 is one new case.
 */
import { gb11643CheckDigit } from '#libs/common';

/** A small deterministic generator (mulberry32): the same seed gives the same bodies. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  weighted<T>(xs: readonly (readonly [T, number])[]): T {
    const total = xs.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1][0];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface CategoryNode {
  code: string;
  name: string;
  children?: CategoryNode[];
}

// Address codes (6 digits) of a few county-level divisions; the platform does not check them against the list.
const AREAS = ['450302', '450303', '450305', '450311', '450321', '110101', '110105', '310104', '310115', '440305', '440106', '510107', '330106', '420102', '610113', '370102', '320106', '350203'];
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅玉兰春花文斌晓东淑珍德明立新玉珍'.split('');
const STREETS = ['中山路', '解放路', '人民路', '建设路', '和平街', '新华路', '滨江路', '民主路', '环城北路', '七星路', '翠竹路', '叠彩路'];
const DISTRICTS = ['秀峰区', '叠彩区', '象山区', '七星区', '雁山区', '临桂区', '阳朔县', '灵川县'];
const CHANNEL_WEIGHTS = [
  ['visit', 30],
  ['letter', 15],
  ['online', 35],
  ['phone', 15],
  ['fax', 5],
] as const;
const PURPOSES = [
  ['appeal', 70],
  ['suggestion', 15],
  ['accusation', 15],
] as const;
const AUTHORITIES = [
  ['provincial', 5],
  ['municipal', 8],
  ['central', 1],
] as const;
const OUTCOMES = [
  ['support', 30],
  ['explain', 35],
  ['not-support', 20],
  ['mediated', 15],
] as const;
const PHONE_PREFIX = ['139', '138', '137', '136', '135', '150', '151', '152', '158', '159', '186', '187', '188', '177', '199'];

/** What a clerk writes: one of a few matters per first-level category, else a generic one. */
const MATTERS: Record<string, string[]> = {
  'urban-rural-construction': ['小区加装电梯补贴未发放', '物业维修基金使用不透明', '老旧小区改造施工扰民', '拆迁安置补偿标准不一', '商品房逾期交房'],
  'labor-social-security': ['拖欠农民工工资', '养老保险缴费年限认定争议', '工伤认定久拖不决', '失业保险金未按时发放'],
  'natural-resources': ['宅基地审批迟迟未办', '集体土地征收补偿款分配', '违法占用耕地建房'],
  'ecology-environment': ['夜间工地噪声扰民', '餐饮油烟排放超标', '河道垃圾无人清理', '养殖场污水直排'],
  health: ['医疗收费明细不清', '医疗纠纷调解无果', '社区卫生服务站人员不足'],
  education: ['学位分配不公', '校外培训机构退费难', '校车安全隐患'],
  transport: ['公交线路调整不便出行', '道路破损长期未修', '出租车拒载'],
  'agriculture-rural': ['种粮补贴未到户', '村务财务不公开', '农田水利设施损坏'],
};
const GENERIC = ['反映问题长期未得到解决', '对处理结果不满意要求重新处理', '要求有关部门依法履职', '反映工作人员服务态度问题'];

export class Bodies {
  private serial: number;
  private readonly leaves: string[];
  private readonly firstLevel: string[];
  constructor(
    categories: CategoryNode[],
    private readonly rng: Rng,
    /** Where this run's people start (a random offset, so a second run on a kept platform meets new people too). */
    start: number,
  ) {
    this.serial = start;
    this.firstLevel = categories.map((c) => c.code);
    this.leaves = categories.flatMap((c) => (c.children?.length ? c.children.map((k) => k.code) : [c.code]));
    if (!this.leaves.length) throw new Error('GET /api/v1/categories answered no category');
  }

  /** A new person's 18-character identity number: area, birth date, sequence (from the run's counter), check character. */
  idNumber(n: number): string {
    const area = AREAS[n % AREAS.length];
    const k = Math.floor(n / AREAS.length);
    const seq = k % 1000;
    const day = Math.floor(k / 1000) % 23_000; // 1940-01-01 + up to ~63 years: 18 × 1,000 × 23,000 people before a repeat
    const birth = new Date(Date.UTC(1940, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const first17 = `${area}${birth}${String(seq).padStart(3, '0')}`;
    return first17 + gb11643CheckDigit(first17);
  }

  private person(): { name: string; idNumber?: string; phone?: string; address?: string } {
    const n = this.serial++;
    const name = this.rng.pick(SURNAMES) + this.rng.pick(GIVEN) + (this.rng.chance(0.5) ? this.rng.pick(GIVEN) : '');
    const phone = `${this.rng.pick(PHONE_PREFIX)}${String(n % 100_000_000).padStart(8, '0')}`;
    // Most carry an identity number; a caller often gives only a name and a phone.
    const withId = this.rng.chance(0.85);
    return {
      name,
      ...(withId ? { idNumber: this.idNumber(n) } : {}),
      ...(!withId || this.rng.chance(0.7) ? { phone } : {}),
      ...(this.rng.chance(0.4) ? { address: `${this.rng.pick(DISTRICTS)}${this.rng.pick(STREETS)}${this.rng.int(1, 300)}号` } : {}),
    };
  }

  /** A registration as the reception desk sends it. `plain`: no case handed down from above (the whole-case flow routes it itself). */
  registration(plain = false): Record<string, unknown> {
    const channel = this.rng.weighted(CHANNEL_WEIGHTS);
    const group = channel === 'visit' && this.rng.chance(0.1);
    const persons = group ? this.rng.int(2, 5) : this.rng.chance(0.05) ? 2 : 1;
    const petitioners = Array.from({ length: persons }, () => this.person());
    const category = this.rng.chance(0.85) ? this.rng.pick(this.leaves) : this.rng.pick(this.firstLevel);
    const top = category.split('.')[0];
    const matter = this.rng.pick(MATTERS[top] ?? GENERIC);
    const lines = this.rng.int(1, 6);
    const content = [
      `${petitioners[0].name}等反映：${matter}。`,
      ...Array.from(
        { length: lines },
        (_, i) => `${i + 1}. ${this.rng.pick(GENERIC)}，涉及${this.rng.pick(DISTRICTS)}${this.rng.pick(STREETS)}一带，已多次向有关部门反映（第 ${this.rng.int(1, 9)} 次）。`,
      ),
    ].join('\n');
    const handedDown = !plain && this.rng.chance(0.1);
    return {
      channel,
      petitioners,
      ...(group ? { headcount: this.rng.int(5, 30) } : {}),
      purpose: this.rng.weighted(PURPOSES),
      category,
      summary: matter,
      content,
      ...(handedDown
        ? { assignedBy: { authority: this.rng.weighted(AUTHORITIES), reference: `桂信交〔${new Date().getUTCFullYear()}〕${this.rng.int(1, 999)}号` }, backlog: this.rng.chance(0.2) }
        : {}),
    };
  }

  route(unitCode: string, today: string): Record<string, unknown> {
    if (this.rng.chance(0.8)) return { mode: 'transfer', unitCode };
    // 交办 with a feedback date 15–40 days on, or without one.
    if (this.rng.chance(0.5)) return { mode: 'assign', unitCode };
    const due = new Date(Date.parse(`${today}T00:00:00Z`) + this.rng.int(15, 40) * 86_400_000).toISOString().slice(0, 10);
    return { mode: 'assign', unitCode, feedbackDueAt: due };
  }

  close(): Record<string, unknown> {
    const substantive = this.rng.chance(0.9);
    const outcome = this.rng.weighted(OUTCOMES);
    return {
      kind: substantive ? 'substantive' : 'procedural',
      outcome,
      opinion: `经调查核实，${this.rng.pick(['信访人反映的问题属实', '信访人反映的问题部分属实', '信访人反映的问题不属实'])}。${this.rng.pick(['已督促相关单位限期整改。', '已向信访人当面解释有关政策。', '经调解，双方达成书面协议。', '已依法作出处理并书面答复信访人。'])}`,
    };
  }
}
