import { InvalidInputError } from '#libs/common';

/** Objects and arrays within objects and arrays: the deepest body the API has is 3 levels; 32 leaves room and no more. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Keys that reach an object's prototype. JSON.parse makes `__proto__` an own key, which
 * class-transformer then silently drops (and a careless merge would turn into prototype
 * pollution): they are refused wherever they appear.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * Checks a request's body or query as parsed, before class-transformer sees it: no
 * prototype-reaching key at any depth, and nesting bounded. Iterative, so a body nested 5,000
 * levels deep is a 400 here rather than a stack overflow (a 500) in the recursive transformation.
 * `where` names the input in the message: 请求体 or 查询参数.
 */
export function assertSafeInput(value: unknown, where: 'body' | 'query', maxDepth = MAX_INPUT_DEPTH): void {
  if (!isContainer(value)) return;
  const name = where === 'body' ? '请求体' : '查询参数';
  const stack: { node: object; path: string[]; depth: number }[] = [{ node: value, path: [], depth: 1 }];
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (depth > maxDepth) {
      const field = path[0] ?? '';
      const message = `${name}嵌套过深（超过 ${maxDepth} 层）`;
      throw new InvalidInputError(`${name}嵌套过深`, [{ field, messages: [message] }]);
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        const field = [...path, key].join('.');
        throw new InvalidInputError(`输入有误：不接受字段 ${field}`, [{ field, messages: [`不接受字段 ${key}`] }]);
      }
      const child = (node as Record<string, unknown>)[key];
      if (isContainer(child)) stack.push({ node: child, path: [...path, key], depth: depth + 1 });
    }
  }
}
