// Text, images and histograms logged from Python (python/saddle_lab.py, docs/logging.md): the
// fixture logs all three with values the test recomputes, plus three bad values that fail only
// their keys. Read back through runs.media they equal what was logged: texts, histogram counts and
// edges (the binning of a sequence rechecked against the stored edges), image bytes by SHA-256 and,
// for numpy arrays, the pixels decoded here with Node's zlib. An offline copy of the run log and
// its folder imported into another project brings the same media and the image files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Run, RunMedia, SeriesData } from '../../src-main/contract';
import { haveNumpy, saddleLabEnv } from '../helpers/python';
import { decodeRgbPng, pngOf } from '../helpers/png';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const script = join(repoRoot, 'test', 'fixtures', 'logging', 'wandb_media.py');
const env = saddleLabEnv();
const steps = 5;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const weightsAt = (step: number) => Array.from({ length: 100 }, (_, i) => ((7 * i) % 13) / (step + 1));

/** Runs the fixture into `project`; returns its stderr and the PNG it was given. */
function logMedia(project: string): { stderr: string; png: Buffer } {
  const pngPath = join(tempDir(), 'given.png');
  const png = pngOf(2, 2, (x, y) => [200 * x, 100 * y, 7]);
  writeFileSync(pngPath, png);
  const result = spawnSync('/usr/bin/python3', [script, `project=${project}`, `png_path=${pngPath}`, `steps=${steps}`], { env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return { stderr: result.stderr, png };
}

/** Every check of what the fixture logged, on the media a project holds for its run. */
function expectLoggedMedia(media: RunMedia, png: Buffer, numpy: boolean): void {
  expect(media.texts).toEqual(Array.from({ length: steps }, (_, step) => ({ key: 'note', step, text: `step ${step}: ok ✓` })));
  const sv = media.histograms.find((h) => h.key === 'sv');
  expect(sv).toEqual({ key: 'sv', steps: [0, 1, 2, 3, 4], counts: [0, 1, 2, 3, 4].map((s) => [s, 2, 3]), edges: Array(steps).fill([0, 0.5, 1.5, 4]) });
  const weights = media.histograms.find((h) => h.key === 'weights');
  expect(weights?.steps).toEqual([0, 1, 2, 3, 4]);
  weights?.steps.forEach((step, at) => {
    const values = weightsAt(step);
    const [edges, counts] = [weights.edges[at], weights.counts[at]];
    const [low, high] = [Math.min(...values), Math.max(...values)];
    // numpy's rule: 8 equal bins over [min, max], each half-open but the last.
    expect(edges).toHaveLength(9);
    expect(edges[0]).toBe(low);
    expect(edges[8]).toBe(high);
    edges.forEach((edge, j) => expect(Math.abs(edge - (low + ((high - low) * j) / 8))).toBeLessThanOrEqual(1e-15 * high));
    const expected = counts.map((_, j) => values.filter((v) => v >= edges[j] && (j === 7 ? v <= edges[j + 1] : v < edges[j + 1])).length);
    expect(counts).toEqual(expected);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
  });
  const images = media.images.filter((i) => i.key === 'samples');
  expect(images.slice(0, 2)).toEqual([
    { key: 'samples', step: 0, path: 'media/samples/0.png', bytes: png.length, sha256: sha256(png), caption: 'from a file' },
    { key: 'samples', step: 1, path: 'media/samples/1.png', bytes: png.length, sha256: sha256(png), caption: 'from bytes' },
  ]);
  expect(images.map((i) => i.step)).toEqual(numpy ? [0, 1, 2, 3, 4] : [0, 1]);
  expect(media.problems).toEqual([
    { key: 'bad_counts', step: 2, message: 'Histogram: np_histogram counts[1] is nan; counts are finite and not negative' },
    { key: 'bad_edges', step: 2, message: 'Histogram: np_histogram edges must increase: edges[2] = 1.0 after edges[1] = 2.0' },
    { key: 'missing', step: 2, message: expect.stringMatching(/^Image: data_or_path '.*given\.png\.missing' does not exist$/) },
  ]);
}

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('text, images and histograms from saddle_lab.log', () => {
  it('are stored per step and read back equal; a bad value fails only its key; an offline copy imports with its images', async () => {
    const numpy = haveNumpy();
    const project = join(tempDir(), 'study.saddle');
    const { stderr, png } = logMedia(project);
    expect(stderr).toContain("saddle_lab.log: 'bad_counts' at step 2 not logged: Histogram: np_histogram counts[1] is nan");
    expect(stderr).toContain("'missing' at step 2 not logged: Image: data_or_path");

    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(run.status).toBe('done');
    // The bad values failed only their keys: loss was logged at every step, step 2 included.
    const [{ series }] = (await service.dispatch('runs', 'series', { runIds: [run.id], metrics: ['loss'] })) as { series: SeriesData[] }[];
    expect(series[0]).toMatchObject({ x: Float64Array.of(0, 1, 2, 3, 4), y: Float64Array.of(0, 1, 2, 3, 4) });
    const media = (await service.dispatch('runs', 'media', { runId: run.id })) as RunMedia;
    expectLoggedMedia(media, png, numpy);

    const { dir, files } = (await service.dispatch('runs', 'artifacts', { runId: run.id })) as { dir: string; files: { path: string; sha256: string }[] };
    for (const image of media.images) expect(files).toContainEqual(expect.objectContaining({ path: image.path, sha256: image.sha256 }));
    if (numpy) {
      for (const step of [2, 3, 4]) {
        const decoded = decodeRgbPng(readFileSync(join(dir, 'media', 'samples', `${step}.png`)));
        expect(decoded.pixels).toEqual(Array.from({ length: 3 }, (_, y) => Array.from({ length: 5 }, (_, x) => [40 * x + step, 60 * y, 255 - 40 * x])));
      }
    }
    const { base64 } = (await service.dispatch('runs', 'artifactData', { runId: run.id, path: 'media/samples/0.png' })) as { base64: string };
    expect(Buffer.from(base64, 'base64').equals(png)).toBe(true);
    await service.close();

    // An offline copy (log and folder, as the helper lays them out); a hand-written bad histogram line in it fails only its key.
    const offline = tempDir();
    cpSync(project.replace(/\.saddle$/, '.runs'), join(offline, 'copy.runs'), { recursive: true });
    cpSync(project.replace(/\.saddle$/, '.artifacts'), join(offline, 'copy.artifacts'), { recursive: true });
    const logPath = join(offline, 'copy.runs', `${basename(dir)}.jsonl`);
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
    lines.splice(-1, 0, JSON.stringify({ type: 'histogram', step: 9, key: 'hand', counts: [1, 2], edges: [0, 2, 1] }));
    writeFileSync(logPath, lines.join('\n') + '\n');

    service = testService();
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'other.saddle') });
    const imported = (await service.dispatch('runs', 'import', { path: join(offline, 'copy.runs') })) as { runIds: number[]; problems: string[] };
    expect(imported.problems).toEqual([]);
    const [copy] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(copy.status).toBe('done');
    const copied = (await service.dispatch('runs', 'media', { runId: copy.id })) as RunMedia;
    expect(copied.problems.find((p) => p.key === 'hand')).toEqual({ key: 'hand', step: 9, message: 'histogram edges.2: edges must increase: 1 after 2' });
    expectLoggedMedia({ ...copied, problems: copied.problems.filter((p) => p.key !== 'hand') }, png, numpy);
    const copiedFiles = (await service.dispatch('runs', 'artifacts', { runId: copy.id })) as { dir: string; files: { path: string; sha256: string }[] };
    expect(copiedFiles.dir).toMatch(new RegExp(`other\\.artifacts/run-${copy.id}$`));
    for (const image of copied.images) expect(copiedFiles.files).toContainEqual(expect.objectContaining({ path: image.path, sha256: image.sha256 }));
  });

  it('an imported log with its folder beside it: a missing image file and one whose bytes changed become problems of their steps', async () => {
    const project = join(tempDir(), 'source.saddle');
    logMedia(project);
    const [logName] = readdirSync(project.replace(/\.saddle$/, '.runs'));
    const offline = tempDir();
    const logPath = join(offline, logName);
    const folder = join(offline, logName.replace(/\.jsonl$/, ''));
    cpSync(join(project.replace(/\.saddle$/, '.runs'), logName), logPath);
    cpSync(join(project.replace(/\.saddle$/, '.artifacts'), logName.replace(/\.jsonl$/, '')), folder, { recursive: true });
    rmSync(join(folder, 'media', 'samples', '0.png'));
    const changed = pngOf(1, 1, () => [1, 2, 3]);
    writeFileSync(join(folder, 'media', 'samples', '1.png'), changed);

    service = testService();
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'other.saddle') });
    const imported = (await service.dispatch('runs', 'import', { path: logPath })) as { runIds: number[]; problems: string[] };
    expect(imported.problems).toEqual([]);
    const media = (await service.dispatch('runs', 'media', { runId: imported.runIds[0] })) as RunMedia;
    expect(media.images.map((i) => i.step)).toEqual(haveNumpy() ? [2, 3, 4] : []);
    const samples = media.problems.filter((p) => p.key === 'samples');
    expect(samples).toEqual([
      { key: 'samples', step: 0, message: `image path "media/samples/0.png" is not a file in the run's folder ${folder}` },
      { key: 'samples', step: 1, message: expect.stringMatching(new RegExp(`^image path "media/samples/1\\.png" holds ${changed.length} bytes with SHA-256 ${sha256(changed)}; the log says \\d+ bytes, [0-9a-f]{64}`)) },
    ]);
    expect(media.texts).toHaveLength(steps);
  });

  it('a key holds one value per step: a later value at that step replaces the earlier one, of any kind', async () => {
    const project = join(tempDir(), 'again.saddle');
    const pngPath = join(tempDir(), 'one.png');
    const png = pngOf(1, 1, () => [9, 9, 9]);
    writeFileSync(pngPath, png);
    const code = [
      'import sys, saddle_lab as wandb',
      'wandb.init(project=sys.argv[1])',
      'wandb.log({"x": "first", "h": wandb.Histogram(np_histogram=([1], [0, 1]))}, commit=False)',
      'wandb.log({"x": wandb.Image(sys.argv[2]), "h": wandb.Histogram(np_histogram=([5], [0, 2]))})',
      'wandb.finish()',
    ].join('\n');
    const result = spawnSync('/usr/bin/python3', ['-c', code, project, pngPath], { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(await service.dispatch('runs', 'media', { runId: run.id })).toEqual({
      runId: run.id,
      texts: [],
      images: [{ key: 'x', step: 0, path: 'media/x/0.png', bytes: png.length, sha256: sha256(png), caption: null }],
      histograms: [{ key: 'h', steps: [0], counts: [[5]], edges: [[0, 2]] }],
      problems: [],
    });
  });
});
