// Mutated experiment specs through the validation the CLI uses (experiments.validate), generated
// from the shipped examples with a fixed seed: out-of-bound and wrong-kind parameters, unknown keys,
// "__proto__" keys, bad sweep values and axes, too many runs, bad seeds, families, names, tags and
// roots. Each must be refused naming the field it broke, never as an internal error, and without
// hanging (the multipath `depth: 1e308` case looped forever). 1000 go through the service in this
// process, 200 more through the real CLI: 140 in two `validate` processes, 60 as `run` refusals,
// none of which may abort (exit 134 came from ending a pool thread while it loaded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { builtInFamilies } from '../../workers/families/index';
import { loadExamples } from '../../src-main/core/examples';
import type { SaddleService } from '../../src-main/core/service';
import { typedApi } from '../../src-main/cli/typed-api';
import type { FieldIssue } from '../../src-main/contract';
import { testService } from '../helpers/service';
import { runCli } from '../helpers/cli';
import { examplesDir, requireBuild, tempDir } from '../helpers/paths';
import { FuzzTally, pick, seededRandom } from '../helpers/fuzz';

interface Case {
  kind: string;
  /** The spec file's text: JSON, so that a "__proto__" key survives as a key. */
  json: string;
  /** The field the mutation broke: a refusal must name it (or a path below it). */
  field: string;
}

type Spec = Record<string, unknown> & { params: Record<string, unknown>; sweep: Record<string, unknown> };

const examples = loadExamples(examplesDir).filter((e) => builtInFamilies.some((f) => f.id === e.spec.family));
const proto = '"__proto__"';
const placeholder = 'PROTO_KEY_PLACEHOLDER';

function shapeOf(familyId: string): Record<string, z.ZodType> {
  return (builtInFamilies.find((f) => f.id === familyId)!.params as z.ZodObject).shape as Record<string, z.ZodType>;
}

/** Fields that take a number, and values each one refuses. */
function numericFields(shape: Record<string, z.ZodType>): string[] {
  return Object.keys(shape).filter((key) => shape[key].safeParse(1).success || shape[key].safeParse(0.5).success);
}

const hugeOrOdd = [1e308, -1e308, 2 ** 32, 2 ** 53, 1e8, -2, 0.5, -1e-300, 1e300];
const wrongKinds: unknown[] = [null, true, 'x', [], {}, [1, 2], 'NaN', { depth: 2 }];

function refused(schema: z.ZodType, candidates: unknown[]): unknown[] {
  return candidates.filter((value) => !schema.safeParse(value).success);
}

/** One mutated spec of a kind drawn at random from an example drawn at random. */
function mutate(random: () => number, n: number): Case {
  const example = pick(random, examples);
  const spec = structuredClone(example.spec) as unknown as Spec;
  const shape = shapeOf(spec.family as string);
  const numeric = numericFields(shape);
  const key = pick(random, numeric);
  const out = (kind: string, field: string, json = JSON.stringify(spec)): Case => ({ kind, json, field });
  switch (Math.floor(random() * 15)) {
    case 0: {
      const bad = refused(shape[key], hugeOrOdd);
      if (bad.length === 0) return mutate(random, n);
      spec.params[key] = pick(random, bad);
      return out('parameter out of its bounds', `params.${key}`);
    }
    case 1: {
      const name = pick(random, Object.keys(shape));
      spec.params[name] = pick(random, refused(shape[name], wrongKinds));
      return out('parameter of the wrong kind', `params.${name}`);
    }
    case 2:
      spec.params[`stray${n}`] = 1;
      return out('unknown parameter', `params.stray${n}`);
    case 3:
      spec.params[placeholder] = { depth: 9 };
      return out('"__proto__" in params', 'params.__proto__', JSON.stringify(spec).replace(`"${placeholder}"`, proto));
    case 4:
      spec.sweep[placeholder] = [1, 2];
      return out('"__proto__" in sweep', 'sweep.__proto__', JSON.stringify(spec).replace(`"${placeholder}"`, proto));
    case 5: {
      const bad = refused(shape[key], [...hugeOrOdd, ...wrongKinds]);
      const good = spec.params[key] ?? shape[key].safeParse(undefined).data;
      const length = 1 + Math.floor(random() * 10);
      const at = Math.floor(random() * length);
      spec.sweep[key] = Array.from({ length }, (_, i) => (i === at ? pick(random, bad) : good));
      return out('bad value in a sweep list', `sweep.${key}[${at}]`);
    }
    case 6:
      spec.sweep[`stray${n}`] = [1, 2];
      return out('sweep of an unknown parameter', `sweep.stray${n}`);
    case 7:
      spec.sweep[key] = pick(random, [{ linspace: [0, 1, 0] }, { linspace: [0, 1, 1e9] }, { linspace: [0, 1] }, { logspace: ['a', 1, 3] }, { logspace: [0, 1e400, 3] }, {}, [], 'x', 7, { linspace: [0, 1, 3], extra: 1 }]);
      return out('malformed sweep axis', `sweep.${key}`);
    case 8: {
      if (random() < 0.5) {
        spec.sweep = { [numeric[0]]: { linspace: [0, 1, 400] }, [numeric[1] ?? numeric[0]]: { linspace: [0, 1, 400] } };
        if (numeric.length < 2) spec.seeds = [...Array(300).keys()];
        return out('more runs than the limit', 'sweep');
      }
      spec.sweep = { [key]: Array.from({ length: 100_001 }, () => 1) };
      return out('sweep list over the limit', `sweep.${key}`);
    }
    case 9:
      spec.seeds = pick(random, [[], [-1], [1.5], 'x', Array(1001).fill(0), [0, 'a'], null]);
      return out('bad seeds', 'seeds');
    case 10:
      spec.family = pick(random, ['', 'no-such-family', 7, null, '__proto__', 'constructor', 'toString']);
      return out('bad family', 'family');
    case 11:
      spec.name = pick(random, ['', 'x'.repeat(201), 5, null]);
      return out('bad name', 'name');
    case 12: {
      const field = random() < 0.5 ? 'tags' : 'notes';
      spec[field] = field === 'tags' ? pick(random, [[5], Array(101).fill('t'), 'x']) : pick(random, ['n'.repeat(100_001), 5]);
      return out(`bad ${field}`, field);
    }
    case 13:
      spec[`stray${n}`] = true;
      return out('unknown top-level key', `stray${n}`);
    default:
      return { kind: 'not an object', json: JSON.stringify(pick(random, [[], 'x', null, 42, true, [spec]])), field: '(spec)' };
  }
}

/** The cases the issue names, then the seeded ones. */
function cases(count: number, seed: number): Case[] {
  const fixed: Case[] = [
    { kind: 'issue 22', json: JSON.stringify({ family: 'multipath', params: { model: 'full', depth: 1e308 } }), field: 'params.depth' },
    { kind: 'issue 22', json: JSON.stringify({ family: 'multipath', params: { pathways: 1e308 } }), field: 'params.pathways' },
    { kind: 'issue 22', json: JSON.stringify({ family: 'dln-train', params: { depth: 1e8 } }), field: 'params.depth' },
    { kind: 'issue 22', json: JSON.stringify({ family: 'dln-train', params: { depth: 2 ** 32 } }), field: 'params.depth' },
    { kind: 'issue 22', json: JSON.stringify({ family: 'steepest', params: { features: -2 } }), field: 'params.features' },
    { kind: 'issue 22', json: JSON.stringify({ family: 'dln-train', sweep: { learningRate: Array(100_000).fill(-1) } }), field: 'sweep.learningRate[0]' },
  ];
  const random = seededRandom(seed);
  return [...fixed, ...Array.from({ length: count - fixed.length }, (_, i) => mutate(random, i))];
}

const names = (field: string) => (issue: FieldIssue) => issue.path === field || issue.path.startsWith(`${field}.`) || issue.path.startsWith(`${field}[`);

let service: SaddleService;
beforeAll(() => {
  requireBuild();
  service = testService();
});
afterAll(() => service.close());

describe('spec validation under mutated specs', () => {
  it('refuses 1000 seeded mutated specs, each naming the broken field, without an internal error', async () => {
    const api = typedApi(service);
    const tally = new FuzzTally();
    const misnamed: string[] = [];
    for (const { kind, json, field } of cases(1000, 1022)) {
      let validation: { ok: boolean; issues: FieldIssue[] };
      try {
        validation = await api.experiments.validate({ spec: JSON.parse(json) });
      } catch (error) {
        // "__proto__" keys are refused by dispatch itself, before the spec is validated.
        const issues = (error as { issues?: FieldIssue[] }).issues ?? [];
        if (issues.length === 0) {
          tally.count('internal errors');
          misnamed.push(`${kind}: ${(error as Error).message}`);
          continue;
        }
        validation = { ok: false, issues: issues.map((issue) => ({ ...issue, path: issue.path.replace(/^spec\./, '') })) };
      }
      if (validation.ok) tally.count('accepted');
      else if (validation.issues.some(names(field))) tally.count('refused with the field named');
      else {
        tally.count('refused naming another field');
        misnamed.push(`${kind} (${field}): ${JSON.stringify(validation.issues.slice(0, 3))}`);
      }
    }
    tally.print('spec validation, mutated specs (0 hangs: every one answered)');
    expect(misnamed.slice(0, 5)).toEqual([]);
    expect(tally.get('refused with the field named')).toBe(1000);
  });

  it('refuses 200 more through the real CLI: 140 with `validate`, 60 with `run`, none aborting', async () => {
    const dir = tempDir();
    const all = cases(200, 2022).map((c, i) => ({ ...c, file: join(dir, `spec-${i}.json`) }));
    for (const c of all) writeFileSync(c.file, c.json);
    const env = { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') };
    const tally = new FuzzTally();
    const misnamed: string[] = [];

    const viaValidate = all.slice(0, 140);
    const batches = [viaValidate.slice(0, 70), viaValidate.slice(70)];
    const outputs = await Promise.all(batches.map((batch) => runCli(['validate', '--json', ...batch.map((c) => c.file)], env)));
    outputs.forEach((result, b) => {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; ok: boolean; issues: FieldIssue[] });
      expect(lines).toHaveLength(batches[b].length);
      lines.forEach((line, i) => {
        const { kind, field } = batches[b][i];
        if (!line.ok && line.issues.some(names(field))) tally.count('refused with the field named (validate)');
        else {
          tally.count(line.ok ? 'accepted' : 'refused naming another field');
          misnamed.push(`${kind} (${field}): ${JSON.stringify(line.issues.slice(0, 3))}`);
        }
      });
    });

    // Three at a time: each is a whole CLI start, and the pool thread it pre-starts.
    const viaRun = all.slice(140);
    for (let i = 0; i < viaRun.length; i += 3) {
      const results = await Promise.all(viaRun.slice(i, i + 3).map((c) => runCli(['run', c.file], env)));
      results.forEach((result, j) => {
        const { kind, field } = viaRun[i + j];
        const issues = result.stderr.split('\n').filter((line) => line.startsWith('  ')).map((line) => ({ path: line.trim().split(': ')[0], message: '' }));
        if (result.code === 134 || /FATAL ERROR/.test(result.stderr)) tally.count('aborts');
        else if (result.code === 70) tally.count('internal errors');
        else if (result.code === 2 && issues.some(names(field))) tally.count('refused with the field named (run)');
        else {
          tally.count('refused naming another field');
          misnamed.push(`${kind} (${field}) exit ${result.code}: ${result.stderr.slice(0, 300)}`);
        }
      });
    }
    tally.print('spec validation through the CLI');
    expect(misnamed.slice(0, 5)).toEqual([]);
    expect(tally.get('refused with the field named (validate)')).toBe(140);
    expect(tally.get('refused with the field named (run)')).toBe(60);
  });
});

describe('CLI output into a pipe closed early', () => {
  it('`export … | head` ends with exit 0 and no EPIPE stack', async () => {
    const dir = tempDir();
    const spec = join(dir, 'small.json');
    writeFileSync(spec, JSON.stringify({ family: 'mode-flow', params: { targets: [1, 0.5] }, sweep: { initScale: { logspace: [-3, -1, 8] } } }));
    const project = join(dir, 'p.saddle');
    const env = { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') };
    expect((await runCli(['run', spec, '--project', project], env)).code).toBe(0);
    // The CSV is megabytes: the reader leaves after its first chunk, with most of it unwritten.
    const result = await runCli(['export', '--project', project, '--experiment', '1'], env, { closeStdoutAfterFirstChunk: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
