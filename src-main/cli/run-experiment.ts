// The CLI's one run path, shared by `run` and `claims`: the project a command runs into, and an
// experiment created, run to its end and read back with its analyses.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SaddleService } from '../core/service';
import { describeIssues, ExpectedError } from '../core/errors';
import type { AnalysisResult, Experiment, Run, SaddleApi } from '../contract';
import { typedApi } from './typed-api';

/** The project a command runs into: the one named, or a temporary one removed afterwards. */
export class ProjectFile {
  private constructor(
    readonly path: string,
    private readonly tempDir: string | null,
  ) {}

  static at(named: string | undefined): ProjectFile {
    if (named) return new ProjectFile(resolve(named), null);
    const temp = mkdtempSync(join(tmpdir(), 'saddle-lab-'));
    return new ProjectFile(join(temp, 'run.saddle'), temp);
  }

  get temporary(): boolean {
    return this.tempDir !== null;
  }

  async load(api: SaddleApi): Promise<void> {
    await (existsSync(this.path) ? api.projects.open({ path: this.path }) : api.projects.new({ path: this.path }));
  }

  removeIfTemporary(): void {
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}

export async function requireValidSpecFile(api: SaddleApi, spec: unknown, source: string): Promise<void> {
  const validation = await api.experiments.validate({ spec });
  if (!validation.ok) throw new ExpectedError(`invalid spec ${source}: ${describeIssues(validation.issues)}`, validation.issues);
}

/**
 * The CLI's one run path (`run` and `claims`): creates the experiment in the open project, starts
 * its runs, waits until they have ended and their analyses are stored, and reads both back.
 */
export async function runExperiment(service: SaddleService, spec: unknown, showProgress: boolean): Promise<{ experiment: Experiment; runs: Run[]; analyses: AnalysisResult[]; seconds: number }> {
  const startedMs = Date.now();
  const api = typedApi(service);
  const experiment = await api.experiments.create({ spec });
  const { runIds } = await api.runs.start({ experimentId: experiment.id });
  const progress = showProgress ? new ProgressLine(runIds.length) : null;
  const stopListening = api.on('run.statuses', ({ changes }) => {
    for (const change of changes) if (change.experimentId === experiment.id) progress?.update(change);
  });
  try {
    await service.waitForExperiment(experiment.id);
  } finally {
    stopListening();
  }
  progress?.end();
  const runs = await api.runs.list({ experimentId: experiment.id });
  const analyses = (await api.analyses.list({ experimentId: experiment.id })).map((a) => a.result);
  return { experiment, runs, analyses, seconds: (Date.now() - startedMs) / 1000 };
}

class ProgressLine {
  private finished = 0;
  private readonly startedMs = Date.now();
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly total: number) {}

  update(payload: { status: string }): void {
    if (['done', 'failed', 'diverged', 'cancelled'].includes(payload.status)) this.finished++;
    if (!this.tty) return;
    const elapsed = (Date.now() - this.startedMs) / 1000;
    const eta = this.finished > 0 ? (elapsed * (this.total - this.finished)) / this.finished : NaN;
    const bar = '#'.repeat(Math.round((20 * this.finished) / this.total)).padEnd(20, '.');
    process.stderr.write(`\r[${bar}] ${this.finished}/${this.total} runs  ${elapsed.toFixed(1)} s  ETA ${Number.isNaN(eta) ? '?' : eta.toFixed(1)} s `);
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
    console.error(`${this.total} runs in ${((Date.now() - this.startedMs) / 1000).toFixed(2)} s`);
  }
}
