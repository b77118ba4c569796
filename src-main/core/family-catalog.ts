// Family metadata for the renderer and the CLI, derived once from the family definitions: the
// parameter JSON Schema drives the generated form, so a new family needs no renderer change.
import { z } from 'zod';
import { chartSpec, metricSpec, type FamilyInfo } from '../contract';
import { families } from '../../workers/families/index';

let cache: FamilyInfo[] | null = null;

export function familyCatalog(): FamilyInfo[] {
  if (cache) return cache;
  cache = families.map((family) => {
    const defaults = family.params.safeParse({});
    return {
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
  });
  return cache;
}
