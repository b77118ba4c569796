// Every built-in family keeps the family contract, checked generically and through the real run
// context (runFamily from the pool worker, over a real MessageChannel): parameters documented,
// chart series naming declared metrics, theory ids that exist, and a finite summary from a run of
// the family's fastest shipped example, shortened.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleFile, exampleSpec } from '../../src-main/contract';
import { checkOutcome } from '../../src-main/core/run-outcome';
import { planRuns } from '../../src-main/core/run-plan';
import type { FamilyDefinition, MetricSpec } from '../../workers/family';
import { builtInFamilies } from '../../workers/families/index';
import { runFamily, wallClockMetric, type WorkerMessage } from '../../workers/pool-worker';
import { examplesDir } from '../helpers/paths';

/** Each family's fastest example, with the overrides that make it a second's work or less. */
const fastest: Record<string, { example: string; shorten: Record<string, unknown> }> = {
  'mode-flow': { example: 'mirror-descent-fig1', shorten: {} },
  'dln-train': { example: 'dln-train-staircase', shorten: { horizon: 20 } },
  multipath: { example: 'multipath-fig4', shorten: { maxSteps: 400 } },
  'relu-escape': { example: 'relu-escape-circle', shorten: { restarts: 2, steps: 200 } },
  steepest: { example: 'steepest-margins', shorten: { steps: 300 } },
};

function firstRun(family: FamilyDefinition, example: string, shorten: Record<string, unknown>) {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, `${example}.json`), 'utf8'))))!;
  expect(spec.family).toBe(family.id);
  const [run] = planRuns(spec, family);
  return { params: family.params.parse({ ...run.params, ...shorten }) as Record<string, unknown>, seed: run.seed };
}

/** A chart's or a chunk's series name against a declared metric ('sigma/' declares sigma/0, sigma/1, …). */
function declares(metric: MetricSpec, name: string): boolean {
  if (metric.name === name) return true;
  if (metric.name.endsWith('/')) return name.startsWith(metric.name);
  return name.endsWith('/') && metric.name.startsWith(name);
}

async function runThroughWorker(family: FamilyDefinition, params: Record<string, unknown>, seed: number) {
  const channel = new MessageChannel();
  const metrics = new Set<string>();
  const ended = new Promise<void>((resolve) => {
    channel.port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'chunks' || message.type === 'end') for (const chunk of message.chunks ?? []) metrics.add(chunk.metric);
      if (message.type === 'end') resolve();
    });
  });
  const outcome = await runFamily(family, { runId: 1, family: family.id, params, seed }, channel.port2);
  await ended;
  channel.port1.close();
  return { outcome, metrics };
}

describe.each(builtInFamilies.map((family) => [family.id, family] as const))('family %s', (id, family) => {
  it('has a fastest example listed for this test', () => expect(fastest[id], `add ${id}'s fastest example to this test`).toBeDefined());

  it('runs its cross-field rules only once every field is within its bounds (crossFieldRules)', () => {
    // A rule that sizes an array by depth would loop on 1e308 or throw on -2: the bound must refuse first.
    const shape = (family.params as z.ZodObject).shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      for (const value of [1e308, -1e308, 2 ** 32, -2]) {
        if (field.safeParse(value).success || !field.safeParse(1).success) continue;
        const parsed = family.params.safeParse({ [name]: value });
        expect(parsed.success).toBe(false);
        expect(new Set(parsed.error!.issues.map((issue) => issue.path.join('.'))), `${name}: ${value}`).toEqual(new Set([name]));
      }
    }
  });

  it('documents every parameter (a description for the form and the CLI)', () => {
    const schema = z.toJSONSchema(family.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { description?: string }> };
    const undocumented = Object.entries(schema.properties ?? {}).filter(([, field]) => !field.description?.trim()).map(([name]) => name);
    expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });

  it('draws only declared metrics, and every declared metric on some chart', () => {
    const unknown = family.charts.flatMap((chart) => chart.series.filter((name) => !family.metrics.some((m) => declares(m, name))).map((name) => `${chart.id}: ${name}`));
    expect(unknown).toEqual([]);
    const undrawn = family.metrics.filter((m) => !family.charts.some((chart) => chart.series.some((name) => declares(m, name)))).map((m) => m.name);
    expect(undrawn).toEqual([]);
  });

  it('runs through the real run context: finite summary, declared metrics only, theory ids the charts draw', async () => {
    const { example, shorten } = fastest[id];
    const { params, seed } = firstRun(family, example, shorten);
    const { outcome, metrics } = await runThroughWorker(family, params, seed);
    expect(outcome.status, outcome.status === 'done' ? '' : outcome.error).toBe('done');
    // The check the scheduler makes when a worker's reply arrives: it throws on NaN or ±Infinity.
    expect(() => checkOutcome(outcome)).not.toThrow();
    expect(Object.keys(outcome.summary ?? {}).length).toBeGreaterThan(0);
    const undeclared = [...metrics].filter((name) => name !== wallClockMetric && !family.metrics.some((m) => declares(m, name)));
    expect(undeclared).toEqual([]);
    expect(metrics.size).toBeGreaterThan(1);
    const drawn = new Set(family.charts.flatMap((chart) => chart.theory ?? []));
    const produced = outcome.theory.map((series) => series.id);
    expect(produced.filter((theoryId) => !drawn.has(theoryId))).toEqual([]);
  });

  it('names on its charts only theory ids it can produce', () => {
    const drawn = new Set(family.charts.flatMap((chart) => chart.theory ?? []));
    if (drawn.size === 0) return;
    expect(family.theory, 'charts name theory overlays but the family has no theory()').toBeDefined();
    // With each run's seed: overlays that depend on the random init exist only for a seeded run.
    const exampleRuns = examplesOf(id).flatMap((spec) => planRuns(spec, family));
    const produced = new Set(exampleRuns.flatMap((run) => family.theory!(family.params.parse(run.params), run.seed).map((series) => series.id)));
    expect([...drawn].filter((theoryId) => !produced.has(theoryId))).toEqual([]);
  });
});

function examplesOf(familyId: string) {
  return readdirJson()
    .map((file) => exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, file), 'utf8')))))
    .filter((spec): spec is NonNullable<typeof spec> => spec !== null && spec.family === familyId);
}

function readdirJson(): string[] {
  return readdirSync(examplesDir).filter((file) => file.endsWith('.json')).sort();
}
