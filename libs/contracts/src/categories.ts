/**
 * First-level content categories (信访内容分类). Data, not code: the list is what the statistics
 * group by; a second level can be added per office without a release of the services.
 */
export const CATEGORIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'politics-law', name: '政法' },
  { code: 'technology', name: '科技与信息产业' },
  { code: 'discipline', name: '纪检监察' },
  { code: 'party-government', name: '党务政务' },
  { code: 'land-resources', name: '国土资源' },
  { code: 'education-culture', name: '教育文体' },
  { code: 'labour-social-security', name: '劳动和社会保障' },
  { code: 'urban-rural-construction', name: '城乡建设' },
  { code: 'agriculture', name: '农村农业' },
  { code: 'health', name: '卫生健康' },
  { code: 'environment', name: '环境保护' },
  { code: 'transport', name: '交通运输' },
  { code: 'civil-affairs', name: '民政' },
  { code: 'economy', name: '经济管理' },
  { code: 'commerce-tourism', name: '商贸旅游' },
  { code: 'personnel', name: '组织人事' },
  { code: 'other', name: '其他' },
];
export const CATEGORY_CODES = CATEGORIES.map((c) => c.code);
