// One test of "a plain object" for the hand-written checks that stand in for zod's object and record
// schemas: structured clone also brings Maps, Sets, Dates and typed arrays, which zod refuses.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
