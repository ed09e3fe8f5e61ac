/**
 * The bundled content categories (信访内容分类): the 17 common first-level categories and a
 * second level for each. Data: `CATEGORIES_FILE` replaces it (same shape, JSON) without a release.
 * Second-level codes are `<first>.<second>`.
 */
export interface CategoryNode {
  code: string;
  name: string;
  children: { code: string; name: string }[];
}

const tree = (code: string, name: string, children: [string, string][]): CategoryNode => ({
  code,
  name,
  children: children.map(([c, n]) => ({ code: `${code}.${c}`, name: n })),
});

export const BUNDLED_CATEGORIES: readonly CategoryNode[] = [
  tree('politics-law', '政法', [
    ['litigation', '诉讼'],
    ['public-security', '公安'],
    ['procuratorate', '检察'],
    ['justice-administration', '司法行政'],
    ['letters-visits-order', '信访秩序'],
  ]),
  tree('technology', '科技与信息产业', [
    ['telecom', '通信服务'],
    ['internet', '互联网管理'],
    ['science-research', '科研管理'],
    ['postal', '邮政快递'],
  ]),
  tree('discipline', '纪检监察', [
    ['official-misconduct', '违纪违法'],
    ['work-style', '作风问题'],
    ['corruption', '贪污贿赂'],
  ]),
  tree('party-government', '党务政务', [
    ['government-services', '政务服务'],
    ['administrative-law', '行政执法'],
    ['information-disclosure', '政府信息公开'],
    ['party-affairs', '党务工作'],
  ]),
  tree('land-resources', '国土资源', [
    ['land-requisition', '征地补偿'],
    ['land-use', '土地使用'],
    ['mineral-resources', '矿产资源'],
    ['ownership-registration', '不动产登记'],
    ['boundary-disputes', '权属纠纷'],
  ]),
  tree('education-culture', '教育文体', [
    ['school-admission', '招生入学'],
    ['teachers', '教师待遇'],
    ['tuition', '教育收费'],
    ['culture-tourism', '文化市场'],
    ['sports', '体育'],
  ]),
  tree('labour-social-security', '劳动和社会保障', [
    ['wage-arrears', '拖欠工资'],
    ['social-insurance', '社会保险'],
    ['labour-contract', '劳动合同'],
    ['work-injury', '工伤认定'],
    ['employment', '就业创业'],
    ['pensions', '养老待遇'],
  ]),
  tree('urban-rural-construction', '城乡建设', [
    ['property-management', '物业管理'],
    ['housing-demolition', '房屋征收'],
    ['housing-security', '住房保障'],
    ['construction-quality', '工程质量'],
    ['urban-management', '城市管理'],
    ['planning', '规划审批'],
    ['elevator-retrofit', '加装电梯'],
    ['real-estate', '房地产开发'],
  ]),
  tree('agriculture', '农村农业', [
    ['land-contract', '土地承包'],
    ['village-affairs', '村务管理'],
    ['subsidies', '惠农补贴'],
    ['collective-assets', '集体资产'],
    ['water-conservancy', '水利'],
  ]),
  tree('health', '卫生健康', [
    ['medical-disputes', '医疗纠纷'],
    ['medical-insurance', '医疗保障'],
    ['public-health', '公共卫生'],
    ['drug-safety', '药品安全'],
  ]),
  tree('environment', '环境保护', [
    ['air-pollution', '大气污染'],
    ['water-pollution', '水污染'],
    ['noise', '噪声污染'],
    ['solid-waste', '固体废物'],
    ['ecology', '生态保护'],
  ]),
  tree('transport', '交通运输', [
    ['road-construction', '道路建设'],
    ['public-transport', '公共交通'],
    ['taxi', '出租汽车'],
    ['traffic-management', '交通管理'],
  ]),
  tree('civil-affairs', '民政', [
    ['subsistence-allowance', '最低生活保障'],
    ['elderly-care', '养老服务'],
    ['veterans', '退役军人'],
    ['disability', '残疾人权益'],
    ['marriage-adoption', '婚姻收养'],
    ['funeral', '殡葬管理'],
  ]),
  tree('economy', '经济管理', [
    ['finance', '金融'],
    ['taxation', '税务'],
    ['market-regulation', '市场监管'],
    ['enterprise-restructuring', '企业改制'],
    ['illegal-fundraising', '非法集资'],
  ]),
  tree('commerce-tourism', '商贸旅游', [
    ['consumer-rights', '消费维权'],
    ['tourism', '旅游'],
    ['trade', '商贸流通'],
  ]),
  tree('personnel', '组织人事', [
    ['recruitment', '招录招聘'],
    ['personnel-treatment', '人事待遇'],
    ['cadre-selection', '干部任用'],
  ]),
  tree('other', '其他', [
    ['suggestions', '意见建议'],
    ['thanks', '感谢表扬'],
    ['unclassified', '未分类'],
  ]),
];
