// Parameters a family does not know are the user's error, not silently dropped: a stray
// "momentum": 0.9 in a spec would otherwise run without momentum and exit 0.
import { z } from 'zod';
import type { FieldIssue } from '../contract';

/** The parameter names of a family whose schema is an object; null when it cannot be told. */
export function paramNames(schema: z.ZodType): Set<string> | null {
  return schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : null;
}

/** One issue per key of `params` the family has no parameter for, at `<prefix>.<key>`. */
export function unknownParamIssues(family: { id: string; params: z.ZodType }, params: Record<string, unknown>, prefix: string): FieldIssue[] {
  const known = paramNames(family.params);
  if (!known) return [];
  const unknown = Object.keys(params).filter((key) => !known.has(key));
  const knownList = [...known].join(', ');
  return unknown.map((key) => ({ path: `${prefix}.${key}`, message: `"${key}" is not a parameter of ${family.id} (known: ${knownList})` }));
}
