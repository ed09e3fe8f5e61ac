import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#libs/common';
import { EmbeddedConfig } from '#libs/runtime';
import { BUNDLED_CATEGORIES, categoryName, categoryTree, CATEGORY_CODES, firstLevelOf, isCategoryCode, useCategories, validateCategories } from './categories.js';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'categories-')), 'categories.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('content categories in two levels', () => {
  afterEach(() => useCategories());

  it('bundle the 17 first-level categories, the earlier codes unchanged, each with 3 to 8 second-level ones under its code', () => {
    expect(BUNDLED_CATEGORIES.map((c) => c.code)).toEqual(CATEGORY_CODES);
    expect(BUNDLED_CATEGORIES).toHaveLength(17);
    for (const c of BUNDLED_CATEGORIES) {
      expect(c.children.length).toBeGreaterThanOrEqual(3);
      expect(c.children.length).toBeLessThanOrEqual(8);
      for (const child of c.children) expect(child.code.startsWith(`${c.code}.`)).toBe(true);
    }
    expect(() => validateCategories(BUNDLED_CATEGORIES)).not.toThrow();
  });

  it('accept a first- or a second-level code, and count a second level under its first', () => {
    expect(isCategoryCode('urban-rural-construction')).toBe(true);
    expect(isCategoryCode('urban-rural-construction.property-management')).toBe(true);
    expect(isCategoryCode('urban-rural-construction.nope')).toBe(false);
    expect(firstLevelOf('urban-rural-construction.property-management')).toBe('urban-rural-construction');
    expect(firstLevelOf('health')).toBe('health');
    expect(categoryName('urban-rural-construction.property-management')).toBe('城乡建设 / 物业管理');
  });

  it('refuse a child whose code is not prefixed by its parent’s, naming it', () => {
    expect(() => validateCategories([{ code: 'a', name: '甲', children: [{ code: 'b.x', name: '乙' }] }])).toThrow(/\[0\]\.children\[0\]\.code must be "a\.<code>" \(got "b\.x"\)/);
    expect(() =>
      validateCategories([
        { code: 'a', name: '甲', children: [] },
        { code: 'a', name: '甲', children: [] },
      ]),
    ).toThrow(/appears twice/);
    expect(() => validateCategories({})).toThrow(/non-empty array/);
  });

  it('CATEGORIES_FILE replaces the bundled tree at start; a bad file stops the start with one line naming the problem', () => {
    const tree = [{ code: 'roads', name: '道路', children: [{ code: 'roads.potholes', name: '坑洼' }] }];
    loadConfig(EmbeddedConfig, { CATEGORIES_FILE: file(tree) });
    expect(categoryTree()).toEqual(tree);
    expect(isCategoryCode('urban-rural-construction')).toBe(false);

    const bad = file([{ code: 'roads', name: '道路', children: [{ code: 'potholes', name: '坑洼' }] }]);
    let message = '';
    try {
      loadConfig(EmbeddedConfig, { CATEGORIES_FILE: bad });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^configuration: CATEGORIES_FILE categories file .*\[0\]\.children\[0\]\.code must be "roads\.<code>"/);
    expect(message).not.toContain('\n');
    expect(() => loadConfig(EmbeddedConfig, { CATEGORIES_FILE: file('{not json') })).toThrow(/^configuration: CATEGORIES_FILE .*not valid JSON/);
    expect(() => loadConfig(EmbeddedConfig, { CATEGORIES_FILE: '/nonexistent/categories.json' })).toThrow(/^configuration: CATEGORIES_FILE cannot read/);

    loadConfig(EmbeddedConfig, {});
    expect(categoryTree()).toBe(BUNDLED_CATEGORIES);
  });
});
