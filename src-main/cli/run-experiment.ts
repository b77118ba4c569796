// The CLI's one run path, shared by `run` and `claims`: the project a command runs into, and an
// experiment created, run to its end and read back with its analyses.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SaddleService } from '../core/service';
import { describeIssues, ExpectedError } from '../core/errors';
import type { AnalysisRecord, AnalysisResult, Experiment, Run, SaddleApi } from '../contract';
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

/** The exit code of a command ended by a signal: 128 + its number, as shells report it. */
const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof signalExitCodes;

/**
 * Ctrl-C (SIGINT) or SIGTERM while a command runs experiments: the first aborts `signal`, so the
 * running runs are cancelled through the service (script process groups killed, temp folders
 * removed, runs stored as cancelled) and the command closes its project and exits with
 * `exitCode`; a second one quits at once.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private readonly onSignal = (name: StopSignal) => {
    if (this.controller.signal.aborted) process.exit(signalExitCodes[name]);
    console.error(`\n${name}: cancelling the running runs (again to quit at once)`);
    this.controller.abort(name);
  };

  constructor() {
    for (const name of Object.keys(signalExitCodes)) process.on(name, this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** 130 or 143 once a signal came, else null. */
  get exitCode(): number | null {
    return this.signal.aborted ? signalExitCodes[this.signal.reason as StopSignal] : null;
  }

  dispose(): void {
    for (const name of Object.keys(signalExitCodes)) process.off(name, this.onSignal);
  }
}

export async function requireValidSpecFile(api: SaddleApi, spec: unknown, source: string): Promise<void> {
  const validation = await api.experiments.validate({ spec });
  if (!validation.ok) throw new ExpectedError(`invalid spec ${source}: ${describeIssues(validation.issues)}`, validation.issues);
}

export interface ExperimentOutcome {
  experiment: Experiment;
  seconds: number;
  /** The runs as stored, read from the project one at a time on each call: a large sweep is never held whole. */
  eachRun(): Iterable<Run>;
  /** The analyses as stored, likewise one at a time: a sweep's tables hold a row per run. */
  eachAnalysis(): Iterable<AnalysisResult>;
}

/**
 * The CLI's one run path (`run` and `claims`): creates the experiment in the open project, starts
 * its runs and waits until they have ended and their analyses are stored, to be read back from the project.
 */
export async function runExperiment(service: SaddleService, spec: unknown, showProgress: boolean, interrupt?: AbortSignal): Promise<ExperimentOutcome> {
  const startedMs = Date.now();
  const api = typedApi(service);
  const experiment = await api.experiments.create({ spec });
  const { runIds } = await api.runs.start({ experimentId: experiment.id });
  const progress = showProgress ? new ProgressLine(runIds.length) : null;
  // No listener without a progress line: with none the service skips checking every event (--json).
  const stopListening = progress
    ? api.on('run.statuses', ({ changes }) => {
        for (const change of changes) if (change.experimentId === experiment.id) progress.update(change);
      })
    : () => {};
  const cancel = () => void api.runs.cancel({ experimentId: experiment.id });
  interrupt?.addEventListener('abort', cancel);
  // A signal that came while the runs were being started.
  if (interrupt?.aborted) cancel();
  try {
    await service.waitForExperiment(experiment.id);
    // The sweep ends in the callback of the worker's reply with the analyses (a sweep's tables as
    // text, 2.7 MB at 4000 runs), and that callback's scope keeps the reply alive until control
    // is back at the event loop: the read-back and listing below come after it, not inside it.
    await new Promise((resume) => setImmediate(resume));
  } finally {
    stopListening();
    interrupt?.removeEventListener('abort', cancel);
  }
  progress?.end();
  // A full disk stopped the sweep: that is the news, not a run report read from a file that could not take it.
  const writeFailure = service.projectWriteFailure;
  if (writeFailure) throw writeFailure;
  const store = service.project;
  if (!store) throw new Error('the project closed while its runs were being read');
  return {
    experiment,
    seconds: (Date.now() - startedMs) / 1000,
    eachRun: () => store.iterateRuns(experiment.id),
    eachAnalysis: () => storedResults(store.iterateAnalyses(experiment.id)),
  };
}

function* storedResults(records: Iterable<AnalysisRecord>): Generator<AnalysisResult> {
  for (const record of records) yield record.result;
}

class ProgressLine {
  private finished = 0;
  private readonly startedMs = Date.now();
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly total: number) {}

  update(payload: { status: string }): void {
    if (['done', 'failed', 'diverged', 'cancelled', 'crashed'].includes(payload.status)) this.finished++;
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
