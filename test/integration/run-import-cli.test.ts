// Runs made elsewhere, through the CLI: an MLflow `mlruns` folder (the file store's layout, written
// here) and a CSV import into a project and are charted by the logged family; `runs` and `compare`
// list, filter and sort them; `export --format summaries` gives one row per run. Every imported
// value is compared with the value written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { FamilyInfo, Run, SeriesData } from '../../src-main/contract';
import { runCli } from '../helpers/cli';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });

/** Two MLflow runs of one experiment, as MLflow's file store writes them (metric lines: "<ms> <value> <step>"). */
function writeMlruns(root: string): { lossOf: (lr: number, step: number) => number } {
  const lossOf = (lr: number, step: number) => 1 / (1 + lr * step);
  const experiment = join(root, '1');
  mkdirSync(experiment, { recursive: true });
  writeFileSync(join(experiment, 'meta.yaml'), "artifact_location: file:///x/mlruns/1\nexperiment_id: '1'\nlifecycle_stage: active\nname: sweep-lr\n");
  [0.1, 0.5].forEach((lr, index) => {
    const run = join(experiment, `run${index}`);
    for (const sub of ['params', 'metrics/train', 'tags']) mkdirSync(join(run, sub), { recursive: true });
    writeFileSync(join(run, 'meta.yaml'), `run_id: run${index}\nrun_name: lr-${lr}\nstatus: ${index === 0 ? 3 : 4}\nstart_time: 1700000000000\nend_time: 1700000005000\nlifecycle_stage: active\n`);
    writeFileSync(join(run, 'params', 'lr'), String(lr));
    writeFileSync(join(run, 'params', 'optimizer'), 'adam');
    writeFileSync(join(run, 'tags', 'mlflow.runName'), `lr-${lr}`);
    writeFileSync(join(run, 'tags', 'team'), 'a');
    writeFileSync(join(run, 'metrics', 'train', 'loss'), Array.from({ length: 10 }, (_, step) => `${1700000000000 + step} ${lossOf(lr, step)} ${step}`).join('\n') + '\n');
  });
  return { lossOf };
}

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('saddle-lab import, runs, compare', () => {
  it('imports an mlruns folder and a CSV with their parameters, values and origins; runs/compare/export list them', async () => {
    const dir = tempDir();
    const project = join(dir, 'imported.saddle');
    const { lossOf } = writeMlruns(join(dir, 'mlruns'));
    const csv = join(dir, 'history.csv');
    writeFileSync(csv, 'epoch,val_loss,acc\n0,2.5,0.1\n1,1.25,\n2,0.625,0.3\n');
    const configEnv = env();

    const mlflow = await runCli(['import', join(dir, 'mlruns'), '--project', project, '--json'], configEnv);
    expect(mlflow.stderr).toBe('');
    expect(mlflow.code).toBe(0);
    expect(JSON.parse(mlflow.stdout)).toMatchObject({ runIds: [1, 2], problems: [] });
    const table = await runCli(['import', csv, '--project', project], configEnv);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('imported 1 run(s)');
    const again = await runCli(['import', csv, '--project', project], configEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already imported');

    service = testService();
    await service.dispatch('projects', 'open', { path: project });
    const runs = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(runs.map((r) => [r.status, r.params])).toEqual([
      ['done', { lr: 0.1, optimizer: 'adam' }],
      ['failed', { lr: 0.5, optimizer: 'adam' }],
      ['done', {}],
    ]);
    expect(runs[0].tags).toEqual(['team=a']);
    const replies = (await service.dispatch('runs', 'series', { runIds: runs.map((r) => r.id), maxPoints: 100_000 })) as { series: SeriesData[] }[];
    const [first, second, fromCsv] = replies.map((reply) => new Map(reply.series.map((s) => [s.metric, s])));
    // Written with JavaScript's shortest round-trip form, read back bit for bit.
    expect(first.get('train/loss')?.y).toEqual(Float64Array.from({ length: 10 }, (_, step) => lossOf(0.1, step)));
    expect(second.get('train/loss')?.y).toEqual(Float64Array.from({ length: 10 }, (_, step) => lossOf(0.5, step)));
    expect(fromCsv.get('val_loss')).toMatchObject({ x: Float64Array.of(0, 1, 2), y: Float64Array.of(2.5, 1.25, 0.625) });
    // An empty cell is no point.
    expect(fromCsv.get('acc')).toMatchObject({ x: Float64Array.of(0, 2), y: Float64Array.of(0.1, 0.3) });
    const families = (await service.dispatch('families', 'list', {})) as FamilyInfo[];
    expect(families.find((f) => f.id === 'logged')?.charts.map((c) => c.id)).toEqual(['acc', 'train/loss', 'val_loss']);
    await service.close();
    service = null;

    const listed = await runCli(['runs', '--project', project, '--json', '--where', 'lr>=0.5'], configEnv);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id: 2, name: 'lr-0.5', status: 'failed', origin: { kind: 'mlflow' }, params: { lr: 0.5 } });

    const compared = await runCli(['compare', '--project', project, '--experiment', '1', '--sort=-lr', '--format', 'csv', '--columns', 'run,name,lr,train/loss'], configEnv);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toBe(`run,name,lr,train/loss\n2,lr-0.5,0.5,${lossOf(0.5, 9)}\n1,lr-0.1,0.1,${lossOf(0.1, 9)}\n`);
    const markdown = await runCli(['compare', '--project', project, '--where', 'status=done', '--format', 'markdown'], configEnv);
    expect(markdown.stdout.split('\n')[0]).toBe('| run | experiment | family | name | status | origin | started | tags | lr | optimizer | train/loss | val_loss | acc |');
    expect(markdown.stdout.trim().split('\n')).toHaveLength(4);

    const summaries = await runCli(['export', '--project', project, '--experiment', '1', '--format', 'summaries'], configEnv);
    expect(summaries.code).toBe(0);
    expect(summaries.stdout.split('\n')[0]).toBe('run,experiment,family,name,status,origin,started,tags,lr,optimizer,train/loss');

    const bad = await runCli(['runs', '--project', project, '--where', 'lr~1'], configEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--where "lr~1"');

    // While another process writes the project (here this test's service), the tables read it as stored.
    service = testService();
    await service.dispatch('projects', 'open', { path: project });
    const whileHeld = await runCli(['runs', '--project', project, '--json', '--where', 'lr>=0.5'], configEnv);
    expect(whileHeld.code, whileHeld.stderr).toBe(0);
    expect(whileHeld.stdout.trim().split('\n').map((line) => JSON.parse(line).name)).toEqual(['lr-0.5']);
    expect(whileHeld.stderr).toContain(`read-only: "${project}" is open in another Saddle Lab process (pid ${process.pid}`);
  });

  it('a CSV cell that is not a number is refused, naming the line and column', async () => {
    const dir = tempDir();
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'step,loss\n0,1\n1,oops\n');
    const result = await runCli(['import', csv, '--project', join(dir, 'p.saddle')], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 3: column "loss" is "oops", not a number');
  });
});
