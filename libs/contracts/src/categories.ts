import { readFileSync } from 'node:fs';
import { BUNDLED_CATEGORIES, type CategoryNode } from './categories.data.js';

export { BUNDLED_CATEGORIES, type CategoryNode } from './categories.data.js';

/**
 * Content categories (信访内容分类) in two levels. Data, not code: the bundled tree, or the file
 * `CATEGORIES_FILE` names (validated at start; the process refuses to start on a bad file).
 * A case's category may be a first- or second-level code; the statistics group by the first.
 */
export class CategoryDataError extends Error {}

const CODE = /^[a-z0-9][a-z0-9-]*$/;

/** Checks the shape; throws CategoryDataError naming the first problem (`where` prefixes it). */
export function validateCategories(data: unknown, where = 'categories'): CategoryNode[] {
  const fail = (why: string): never => {
    throw new CategoryDataError(`${where}: ${why}`);
  };
  if (!Array.isArray(data) || data.length === 0) fail('must be a non-empty array [{"code", "name", "children": [{"code", "name"}]}]');
  const seen = new Set<string>();
  return (data as unknown[]).map((raw, i) => {
    const node = raw as Partial<CategoryNode> | null;
    const at = `[${i}]`;
    if (!node || typeof node !== 'object') fail(`${at} must be an object`);
    if (typeof node!.code !== 'string' || !CODE.test(node!.code)) fail(`${at}.code must be lower-case letters, digits and - (got ${JSON.stringify(node!.code)})`);
    if (typeof node!.name !== 'string' || !node!.name.trim()) fail(`${at}.name (${node!.code}) must be a non-empty string`);
    if (seen.has(node!.code!)) fail(`${at}.code ${node!.code} appears twice`);
    seen.add(node!.code!);
    const children = node!.children ?? [];
    if (!Array.isArray(children)) fail(`${at}.children (${node!.code}) must be an array`);
    return {
      code: node!.code!,
      name: node!.name!,
      children: children.map((c, j) => {
        const cat = `${at}.children[${j}]`;
        if (!c || typeof c !== 'object') fail(`${cat} must be an object`);
        if (typeof c.code !== 'string' || !c.code.startsWith(`${node!.code}.`) || !CODE.test(c.code.slice(node!.code!.length + 1))) {
          fail(`${cat}.code must be "${node!.code}.<code>" (got ${JSON.stringify(c.code)})`);
        }
        if (typeof c.name !== 'string' || !c.name.trim()) fail(`${cat}.name (${c.code}) must be a non-empty string`);
        if (seen.has(c.code)) fail(`${cat}.code ${c.code} appears twice`);
        seen.add(c.code);
        return { code: c.code, name: c.name };
      }),
    };
  });
}

/** Reads and validates a categories file (JSON). */
export function loadCategoriesFile(path: string): CategoryNode[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CategoryDataError(`cannot read categories file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CategoryDataError(`categories file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return validateCategories(json, `categories file ${path}`);
}

let active: readonly CategoryNode[] = BUNDLED_CATEGORIES;
let names = new Map<string, { name: string; first: string }>();
function index(): void {
  names = new Map();
  for (const n of active) {
    names.set(n.code, { name: n.name, first: n.code });
    for (const c of n.children) names.set(c.code, { name: c.name, first: n.code });
  }
}
index();

/** Replaces the process's categories (at start, from CATEGORIES_FILE; or back to the bundled tree). */
export function useCategories(tree: readonly CategoryNode[] = BUNDLED_CATEGORIES): void {
  active = tree;
  index();
}

/** The two-level tree in force. */
export const categoryTree = (): readonly CategoryNode[] => active;
/** A first- or second-level code of the tree in force. */
export const isCategoryCode = (code: unknown): boolean => typeof code === 'string' && names.has(code);
/** The first-level code a case's category counts under (a code no longer in the tree: its own first segment). */
export const firstLevelOf = (code: string): string => names.get(code)?.first ?? code.split('.')[0];
/** The category's name, "城乡建设 / 物业管理" for a second level. */
export function categoryName(code: string): string {
  const n = names.get(code);
  if (!n) return code;
  return n.first === code ? n.name : `${names.get(n.first)!.name} / ${n.name}`;
}

/** First-level categories ({code, name}), as before the second level. */
export const CATEGORIES: ReadonlyArray<{ code: string; name: string }> = BUNDLED_CATEGORIES.map(({ code, name }) => ({ code, name }));
export const CATEGORY_CODES = CATEGORIES.map((c) => c.code);
