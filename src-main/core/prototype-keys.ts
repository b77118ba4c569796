// JSON.parse makes "__proto__" an ordinary own key, but zod's objects and records drop it without a
// word (assigning it sets the prototype): `"params": {"__proto__": {"depth": 9}}` would run without
// the user's value. Such a key is refused by its path instead, wherever it sits in a request.
import type { FieldIssue } from '../contract';

const reservedKey = '__proto__';
/** A request with more such keys is refused with the first few named. */
const maxNamed = 10;

/** One issue per "__proto__" key found in `value`, at its dotted path below `prefix` (e.g. `spec.params.__proto__`). */
export function prototypeKeyIssues(value: unknown, prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new WeakSet<object>();
  // Iterative: a message can nest deeper than the call stack.
  const pending: { value: unknown; path: string }[] = [{ value, path: prefix }];
  while (pending.length > 0 && issues.length < maxNamed) {
    const { value: node, path } = pending.pop()!;
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      // Paths are made for nested objects only: a sweep list of 10⁵ numbers costs one pass.
      for (let i = node.length - 1; i >= 0; i--) if (isObject(node[i])) pending.push({ value: node[i], path: `${path}[${i}]` });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === reservedKey) issues.push({ path: path ? `${path}.${key}` : key, message: '"__proto__" is not allowed as a key' });
      else if (isObject(child)) pending.push({ value: child, path: path ? `${path}.${key}` : key });
    }
  }
  return issues;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
