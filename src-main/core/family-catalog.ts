// Family metadata for the renderer and the CLI, derived from the registry's entries: the
// parameter JSON Schema drives the generated form, so a new family needs no renderer change.
import { z } from 'zod';
import { chartSpec, metricSpec, type FamilyInfo } from '../contract';
import type { FamilyDefinition } from '../../workers/family';
import type { FamilyEntry } from './family-registry';

/** Per definition object: a reload that finds the same module or manifest makes new objects. */
const cache = new WeakMap<FamilyDefinition, Omit<FamilyInfo, 'origin' | 'kind' | 'location' | 'trusted'>>();

export function familyCatalog(entries: readonly FamilyEntry[]): FamilyInfo[] {
  return entries.map(({ family, origin, kind, location, trusted }) => ({ ...describeFamily(family), origin, kind, location, trusted }));
}

function describeFamily(family: FamilyDefinition): Omit<FamilyInfo, 'origin' | 'kind' | 'location' | 'trusted'> {
  let info = cache.get(family);
  if (info) return info;
  const defaults = family.params.safeParse({});
  info = {
    id: family.id,
    title: family.title,
    summary: family.summary,
    references: family.references,
    formulas: family.formulas,
    paramsSchema: z.toJSONSchema(family.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    defaults: defaults.success ? (defaults.data as Record<string, unknown>) : {},
    metrics: family.metrics.map((metric) => metricSpec.parse(metric)),
    charts: family.charts.map((chart) => chartSpec.parse(chart)),
    analyses: (family.analyses ?? []).map(({ id, title, description }) => ({ id, title, description })),
  };
  cache.set(family, info);
  return info;
}
