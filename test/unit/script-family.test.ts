// Script families in-process: the manifest's checks name the bad field, the line protocol names
// the bad line, and a real Python script (Debian's /usr/bin/python3, standard library only)
// streams exactly the closed form it computes.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../workers/families/sources';
import { LineReader, NonFiniteError, ProtocolError } from '../../workers/script-family/line-protocol';
import { scriptFamily } from '../../workers/script-family/script-family';
import { snapshotFolder } from '../../workers/script-family/snapshot';
import { DivergedError } from '../../workers/family';
import { fakeRunContext } from './fake-run-context';
import { repoRoot } from '../helpers/paths';

const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');
const sdkDir = join(repoRoot, 'python');

/** A copy of the fixture with its manifest changed by `edit`. */
function fixtureWith(edit: (manifest: Record<string, unknown>) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'saddle-family-')), 'toy-decay');
  cpSync(fixture, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'saddle-family.json'), 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(join(dir, 'saddle-family.json'), JSON.stringify(manifest));
  return dir;
}

describe('saddle-family.json', () => {
  it('reads the fixture, with defaults filled in', () => {
    const manifest = readManifest(fixture);
    expect(manifest.id).toBe('toy-decay');
    expect(manifest.command).toEqual(['/usr/bin/python3', 'decay.py']);
    expect(manifest.limits.timeoutSeconds).toBe(20);
  });

  it.each([
    ['a bad id', (m: Record<string, unknown>) => (m.id = 'Toy Decay'), /saddle-family\.json: id: must be lower-case/],
    ['a parameter without default', (m: Record<string, unknown>) => delete (m.params as { properties: { rate: { default?: number } } }).properties.rate.default, /params\.properties\.rate\.default: every parameter needs a default/],
    ['a default outside its bounds', (m: Record<string, unknown>) => ((m.params as { properties: { steps: { default: number } } }).properties.steps.default = 0), /params\.properties\.steps\.default: 0 breaks its own schema \(\(file\): Too small/],
    ['a chart naming an undeclared metric', (m: Record<string, unknown>) => ((m.charts as { series: string[] }[])[0].series = ['lost']), /charts\.0\.series\.0: "lost" is not a declared metric/],
    ['no metrics', (m: Record<string, unknown>) => (m.metrics = []), /metrics: declare at least one metric/],
    ['an unknown key', (m: Record<string, unknown>) => (m.comand = 'python3 x.py'), /\(file\): Unrecognized key: "comand"/],
    ['a chart naming an undeclared overlay', (m: Record<string, unknown>) => ((m.charts as { theory: string[] }[])[0].theory = ['nope']), /charts\.0\.theory\.0: "nope" is not a declared theory overlay/],
    ['an overlay with a syntax error', (m: Record<string, unknown>) => ((m.theory as { expression: string }[])[0].expression = 'exp(-rate *'), /theory\[0\]\.expression: unexpected/],
    ['an overlay naming an unknown parameter', (m: Record<string, unknown>) => ((m.theory as { expression: string }[])[1].expression = 'log(2) / rat'), /theory\[1\]\.expression: undefined variable: rat/],
    ['a line overlay without x', (m: Record<string, unknown>) => delete (m.theory as { x?: unknown }[])[0].x, /theory\.0\.x: a "line" overlay needs "x"/],
    ['a negative timeout', (m: Record<string, unknown>) => (m.limits = { timeoutSeconds: -1 }), /limits\.timeoutSeconds: Too small/],
  ])('%s is refused, naming the field', (_name, edit, message) => {
    expect(() => readManifest(fixtureWith(edit))).toThrow(message);
  });

  it('a folder without a manifest or with broken JSON says so', () => {
    const dir = fixtureWith(() => {});
    writeFileSync(join(dir, 'saddle-family.json'), '{ "id": ');
    expect(() => readManifest(dir)).toThrow(/saddle-family\.json: cannot read the manifest/);
  });
});

describe('line protocol', () => {
  function reader() {
    const got: { metric: string; x: number[]; y: number[] }[] = [];
    const statuses: unknown[] = [];
    const r = new LineReader(
      {
        points: (metric, x, y) => got.push({ metric, x: Array.from(x), y: Array.from(y) }),
        progress: () => {},
        summary: () => {},
        status: (s) => statuses.push(s),
      },
      (metric) => metric === 'loss' || metric.startsWith('sigma/'),
    );
    return { r, got, statuses };
  }

  it('splits lines across chunks and reads points, indexed metrics and the status', () => {
    const { r, got, statuses } = reader();
    r.push('{"type":"points","series":{"loss":{"x":[0,1],"y":[1,0.5]},"sig');
    r.push('ma/0":{"x":[0],"y":[2]}}}\n{"type":"status","status":"done"}');
    r.finish();
    expect(got).toEqual([
      { metric: 'loss', x: [0, 1], y: [1, 0.5] },
      { metric: 'sigma/0', x: [0], y: [2] },
    ]);
    expect(statuses).toEqual([{ status: 'done' }]);
  });

  it.each([
    ['not json', 'hello', /stdout line 2: not JSON .*: "hello"/],
    ['an unknown type', '{"type":"pointz"}', /stdout line 2: unknown "type" "pointz"/],
    ['an undeclared metric', '{"type":"points","series":{"los":{"x":[1],"y":[1]}}}', /stdout line 2: metric "los" is not declared/],
    ['x and y of different lengths', '{"type":"points","series":{"loss":{"x":[1,2],"y":[1]}}}', /stdout line 2: series "loss": x has 2 values, y has 1/],
    ['a progress above 1', '{"type":"progress","fraction":1.5}', /stdout line 2: "fraction" must be a number in \[0, 1\]/],
    ['a bad status', '{"type":"status","status":"ok"}', /stdout line 2: "status" must be/],
    ['a nested summary value', '{"type":"summary","values":{"fit":{"a":1}}}', /stdout line 2: summary value "fit" must be a number, a string, null or a list/],
  ])('%s fails with the line number and text', (_name, line, message) => {
    const { r } = reader();
    expect(() => r.push(`{"type":"progress","fraction":0}\n${line}\n`)).toThrow(ProtocolError);
    const { r: again } = reader();
    expect(() => again.push(`{"type":"progress","fraction":0}\n${line}\n`)).toThrow(message);
  });

  it("reads Python's NaN and Infinity as non-finite values, naming metric, value, x and line", () => {
    const { r } = reader();
    expect(() => r.push('{"type":"points","series":{"loss":{"x":[7],"y":[NaN]}}}\n')).toThrow(NonFiniteError);
    const { r: again } = reader();
    expect(() => again.push('\n{"type":"points","series":{"loss":{"x":[7],"y":[-Infinity]}}}\n')).toThrow(/stdout line 2: loss became -Infinity at x = 7/);
    const { r: fromJs } = reader();
    expect(() => fromJs.push('{"type":"points","series":{"loss":{"x":[7],"y":[null]}}}\n')).toThrow(/stdout line 1: loss became null \(NaN or ±Infinity\) at x = 7/);
  });

  it('a NaN in one field of a points line keeps every finite point before it, in that series and the others', () => {
    const { r, got } = reader();
    expect(() => r.push('{"type":"points","series":{"loss":{"x":[0,1,2],"y":[1,NaN,0.25]},"sigma/0":{"x":[0,1],"y":[2,3]}}}\n')).toThrow(/stdout line 1: loss became NaN at x = 1/);
    expect(got).toEqual([
      { metric: 'loss', x: [0], y: [1] },
      { metric: 'sigma/0', x: [0, 1], y: [2, 3] },
    ]);
  });

  it('a NaN or infinity in a summary value ends the run as diverged; null is "no value"; a "NaN" string is text', () => {
    const summaries: unknown[] = [];
    const r = new LineReader({ points: () => {}, progress: () => {}, summary: (values) => summaries.push(values), status: () => {} }, () => true);
    r.push('{"type":"summary","values":{"escapeTimes":[1.5,null],"note":"NaN at step 3"}}\n');
    expect(summaries).toEqual([{ escapeTimes: [1.5, null], note: 'NaN at step 3' }]);
    expect(() => r.push('{"type":"summary","values":{"finalLoss":NaN}}\n')).toThrow(/stdout line 2: summary value "finalLoss" is NaN/);
    const again = new LineReader({ points: () => {}, progress: () => {}, summary: () => {}, status: () => {} }, () => true);
    expect(() => again.push('{"type":"summary","values":{"escapeTimes":[1.5,Infinity],"note":"Infinity"}}\n')).toThrow(/summary value "escapeTimes\[1\]" is Infinity/);
  });

  it('refuses output after the final status', () => {
    const { r } = reader();
    expect(() => r.push('{"type":"status","status":"done"}\n{"type":"progress","fraction":1}\n')).toThrow(/line 2: output after the final status line/);
  });
});

describe('a Python script family, in-process', () => {
  const family = scriptFamily(readManifest(fixture), fixture, { sdkDir });

  it('streams loss = exp(-r t) exactly (JSON carries the shortest round-trip repr), the event and the summary', async () => {
    const ctx = fakeRunContext();
    const logs: string[] = [];
    ctx.keepLog = (text) => logs.push(text);
    const params = family.params.parse({ rate: 0.25, steps: 40 });
    const summary = await family.run(params, ctx);
    const loss = ctx.series('loss');
    expect(loss.x).toEqual(Array.from({ length: 40 }, (_, t) => t));
    // Tolerance 0: Python's repr and JS's parse both round-trip doubles, and both use IEEE exp(-0.25 t)… within 1 ulp of libm.
    loss.y.forEach((y, t) => expect(Math.abs(y - Math.exp(-0.25 * t))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.exp(-0.25 * t)));
    // First t ≥ ln 2 / r = 2.77…: the half-life event at t = 3.
    expect(ctx.series('half')).toEqual({ x: [3], y: [1] });
    expect(summary.half_life).toBeCloseTo(Math.log(2) / 0.25, 14);
    expect(ctx.progressValues.at(-1)).toBe(1);
    expect(logs.join('')).toContain("toy-decay starting with {'rate': 0.25");
  });

  it('computes the theory overlays from the run parameters: the closed form and the half-life', () => {
    const [line, half] = family.theory!(family.params.parse({ rate: 0.25, steps: 11 }));
    expect(line).toMatchObject({ id: 'closedForm', kind: 'line' });
    expect(line.x).toEqual(Array.from({ length: 50 }, (_, k) => (k / 49) * 10));
    line.y.forEach((y, k) => expect(y).toBe(Math.exp(-0.25 * line.x[k])));
    expect(half).toEqual({ id: 'halfLife', label: 'half-life ln 2 / r', kind: 'vline', x: [Math.log(2) / 0.25], y: [] });
  });

  it('a NaN ends the run as diverged, naming the line', async () => {
    await expect(family.run(family.params.parse({ mode: 'nan', steps: 10 }), fakeRunContext())).rejects.toThrow(DivergedError);
    await expect(family.run(family.params.parse({ mode: 'nan', steps: 10 }), fakeRunContext())).rejects.toThrow(/stdout line \d+: loss became NaN at x = 3\.5/);
  });

  it('a malformed line, a crash and a non-zero exit fail with what happened and the stderr', async () => {
    await expect(family.run(family.params.parse({ mode: 'malformed', steps: 10 }), fakeRunContext())).rejects.toThrow(/stdout line \d+: not JSON .*"this is not json"/);
    await expect(family.run(family.params.parse({ mode: 'crash', steps: 10 }), fakeRunContext())).rejects.toThrow(/the script reported failure: RuntimeError: boom at t = 3[\s\S]*--- stderr \(end\) ---[\s\S]*Traceback/);
    await expect(family.run(family.params.parse({ mode: 'exit3', steps: 10 }), fakeRunContext())).rejects.toThrow(/the script exited with code 3/);
  });

  it('a hang ends at the timeout, and the process group is gone', async () => {
    const dir = fixtureWith((m) => (m.limits = { timeoutSeconds: 0.5 }));
    const hanging = scriptFamily(readManifest(dir), dir, { sdkDir });
    const started = performance.now();
    await expect(hanging.run(hanging.params.parse({ mode: 'hang', steps: 2 }), fakeRunContext())).rejects.toThrow(/timed out after 0\.5 s \(limits\.timeoutSeconds/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a script past its memory cap fails, naming the cap', async () => {
    const dir = fixtureWith((m) => (m.limits = { memoryMb: 300 }));
    const capped = scriptFamily(readManifest(dir), dir, { sdkDir });
    await expect(capped.run(capped.params.parse({ mode: 'hog', steps: 2 }), fakeRunContext())).rejects.toThrow(/MemoryError \(memory cap 300 MB, limits\.memoryMb\)/);
    // The same script under the cap, without the allocation, runs.
    await expect(capped.run(capped.params.parse({ steps: 2 }), fakeRunContext())).resolves.toMatchObject({ half_life: Math.log(2) / 0.5 });
  });

  it('cancel stops the script and returns what it streamed', async () => {
    const abort = new AbortController();
    const ctx = fakeRunContext(abort.signal);
    const run = family.run(family.params.parse({ steps: 1000, sleepMs: 20 }), ctx);
    await expect.poll(() => ctx.series('loss').x.length).toBeGreaterThan(2);
    abort.abort();
    await run;
    expect(ctx.series('loss').x.length).toBeLessThan(1000);
  });

  it("an editor's droppings beside the script leave the queued hash alone; an edit to the script fails the run", async () => {
    const dir = fixtureWith(() => {});
    const queuedHash = snapshotFolder(dir).hash;
    const queued = scriptFamily(readManifest(dir), dir, { sdkDir, expectedHash: queuedHash });
    // vim's swap file, emacs's lock, backup and autosave, as they appear while decay.py is open.
    for (const name of ['.decay.py.swp', '.#decay.py', 'decay.py~', '#decay.py#']) writeFileSync(join(dir, name), 'editor state');
    expect(snapshotFolder(dir).hash).toBe(queuedHash);
    await expect(queued.run(queued.params.parse({ steps: 3 }), fakeRunContext())).resolves.toMatchObject({ half_life: Math.log(2) / 0.5 });
    writeFileSync(join(dir, 'decay.py'), `${readFileSync(join(dir, 'decay.py'), 'utf8')}\n# edited\n`);
    await expect(queued.run(queued.params.parse({ steps: 3 }), fakeRunContext())).rejects.toThrow(/changed after this run was queued/);
  });

  it('a missing program says which', async () => {
    const dir = fixtureWith((m) => (m.command = ['no-such-program-saddle']));
    const missing = scriptFamily(readManifest(dir), dir, { sdkDir });
    await expect(missing.run(missing.params.parse({}), fakeRunContext())).rejects.toThrow(/cannot start "no-such-program-saddle": spawn no-such-program-saddle ENOENT/);
  });
});
