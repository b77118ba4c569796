// The API's implementation, shared by every host (Electron IPC, the serve host, the CLI). It owns
// the open project and the live event stream; every run starts, is stored and is analysed through
// its RunPipeline (run-pipeline.ts). Hosts only carry messages.
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import {
  api,
  events as eventSchemas,
  type EventName,
  type EventPayload,
  type Namespace,
  type Run,
  type RunStatus,
} from '../contract';
import type { ProjectStore } from './store/project-store';
import { diskFullError, isDiskFull } from './store/project-file';
import { LiveFeed, StatusBatch } from './live-feed';
import { RecentProjects } from './recent';
import { RunPipeline } from './run-pipeline';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { prototypeKeyIssues } from './prototype-keys';
import { RunLogFolder, projectRunsDir, type IngestContext, type IngestReport } from './run-logs';
import { ClusterService, cliCommandOf } from './slurm/cluster-service';
import type { HandlerContext, NamespaceHandlers, ServiceOptions } from './handlers/context';
import { appHandlers } from './handlers/app';
import { projectsHandlers } from './handlers/projects';
import { experimentsHandlers } from './handlers/experiments';
import { runsHandlers } from './handlers/runs';
import { familiesHandlers } from './handlers/families';
import { slurmHandlers } from './handlers/slurm';
import { dialogsHandlers } from './handlers/dialogs';
import { analysesHandlers } from './handlers/analyses';
import { dashboardsHandlers } from './handlers/dashboards';
import { exportsHandlers } from './handlers/exports';
import { claimsHandlers } from './handlers/claims';

export type { HostDialogs, ServiceOptions } from './handlers/context';

type Handlers = { [N in Namespace]: NamespaceHandlers<N> };

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** SQLite's page cache for a CLI command's project (KiB). */
const cliPageCacheKib = 2000;

/** A window's host reads new lines of run logs (saddle_lab.init) this often. */
const runLogPollMs = 500;

export class SaddleService {
  private store: ProjectStore | null = null;
  private readonly live: LiveFeed;
  private readonly statuses = new StatusBatch((changes) => this.emit('run.statuses', { changes }));
  private readonly listeners = new Set<EventListener>();
  private readonly recent: RecentProjects;
  /** Every run starts, is stored and is analysed through it. */
  readonly pipeline: RunPipeline;
  private readonly cluster: ClusterService;
  /** The open project's run-log folder (<project>.runs/), read on open and, with a window, polled. */
  private runLogs: RunLogFolder | null = null;
  private runLogTimer: NodeJS.Timeout | null = null;
  private readonly handlers: Handlers;

  constructor(private readonly options: ServiceOptions) {
    this.recent = options.recent ?? new RecentProjects();
    this.live = new LiveFeed((points) => this.emit('run.points', points));
    this.pipeline = new RunPipeline({
      workerFile: options.workerFile,
      poolSize: options.poolSize,
      prestarted: options.prestarted,
      // The Python helper ships in <app>/python, two levels up from the worker like the CLI.
      registry: { familyPaths: options.familyPaths, builtIns: options.builtInFamilies, sdkDir: join(dirname(options.workerFile), '..', '..', 'python') },
      store: () => this.store,
      analyzeWhenDone: true,
      listener: {
        status: (change) => {
          // A run's last points reach the windows before its end does.
          if (change.status !== 'queued' && change.status !== 'running') this.live.flush();
          this.statuses.push(change);
        },
        points: options.liveEvents === false ? undefined : (chunk) => this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y),
        analyses: (change) => this.emit('analyses.changed', change),
      },
    });
    this.cluster = new ClusterService({
      appVersion: options.appVersion,
      store: () => this.requireStore(),
      // The worker lives in <app>/dist/main, next to the CLI's bin/ two levels up.
      cli: cliCommandOf(join(dirname(options.workerFile), '..', '..')),
      pipeline: () => this.pipeline,
      changed: (runIds) => {
        for (const run of runIds.map((id) => this.requireStore().getRun(id))) this.emitStatus(run.id, run.status, run.progress, null, run.error, run.summary);
      },
    });
    this.handlers = this.createHandlers();
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the request, runs it, and validates the reply: the one entry point of every host. */
  async dispatch(ns: unknown, method: unknown, input: unknown): Promise<unknown> {
    const { definition, handler } = lookUpMethod(this.handlers, ns, method);
    const reserved = prototypeKeyIssues(input);
    if (reserved.length > 0) throw new ExpectedError(`invalid request to ${ns}.${method}: ${describeIssues(reserved)}`, reserved);
    const parsed = definition.input.safeParse(input ?? {});
    if (!parsed.success) {
      // An input of the wrong kind altogether (a string for an object) is named as the input.
      const issues = issuesFromZod(parsed.error).map((issue) => (issue.path ? issue : { ...issue, path: 'input' }));
      throw new ExpectedError(`invalid request to ${ns}.${method}: ${describeIssues(issues)}`, issues);
    }
    await this.pipeline.familiesLoaded;
    // Whatever a window has been told is in the file before a handler reads it (the handlers count on it).
    if (this.store) this.pipeline.flushWrites();
    let output: unknown;
    try {
      output = await handler(parsed.data);
    } catch (error) {
      // A full disk is the user's to fix, not a bug: said plainly, without a stack.
      throw isDiskFull(error) && this.store ? diskFullError(this.store.path, error) : error;
    }
    return definition.output.parse(output);
  }

  /** Why the open project's run writes stopped (a full disk), for a host to report; null while they succeed. */
  get projectWriteFailure(): Error | null {
    return this.pipeline.writeFailure;
  }

  get project(): ProjectStore | null {
    return this.store;
  }

  /**
   * Starts the pool's first thread now and has it load `builtInFamily`, so both overlap the host's
   * own start-up (the CLI's `run`). Built-ins only: a family from a folder runs no code before
   * the trust check of runs.start.
   */
  warmUp(builtInFamily?: string): void {
    const scheduler = this.pipeline.requireScheduler();
    if (builtInFamily !== undefined) scheduler.preload(builtInFamily);
  }

  /** Resolves when every run of the experiment has finished and its analyses are stored. */
  waitForExperiment(experimentId: number): Promise<void> {
    return this.pipeline.waitForExperiment(experimentId);
  }

  async close(): Promise<void> {
    await this.closeProject();
    await this.pipeline.close();
    this.live.dispose();
    this.statuses.dispose();
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Status changes wait for the end of the tick, but never behind a later event: order is kept.
    if (event !== 'run.statuses') this.statuses.flush();
    if (event === 'run.points' && this.options.liveEvents === false) return;
    // Checked for its listeners; with none (the CLI's --json) there is no one to protect.
    if (this.listeners.size === 0) return;
    const checked = eventSchemas[event].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(event, checked);
  }

  private requireStore(): ProjectStore {
    if (!this.store) throw new ExpectedError('no project is open: create or open a project first');
    return this.store;
  }

  private async setProject(store: ProjectStore | null): Promise<void> {
    await this.closeProject();
    this.store = store;
    if (store) {
      this.recent.touch(store.path);
      // A window shows Slurm jobs as they go; the CLI collects when asked.
      if (this.options.host !== 'cli' && !store.readOnly) this.cluster.watch();
      // A CLI command writes a sweep's series once and reads few pages back: SQLite's own default
      // of 2 MB is enough there, where the 16 MB cache filled with pages written once (peak RSS of a
      // sweep of 1000 or 4000 short runs 11-18 MB lower, CPU the same within the machine's noise).
      if (this.options.host === 'cli') store.limitPageCache(cliPageCacheKib);
    }
    await this.pipeline.loadFamilies(store?.path ?? null);
    // A read-only store shows what the file holds: bringing in run logs is its writer's job.
    if (store && !store.readOnly) this.followRunLogs(store);
    this.emit('project.changed', store ? store.info() : null);
  }

  /** Brings in the project's run logs now and, where a window shows the project, as they grow. */
  private followRunLogs(store: ProjectStore): void {
    this.runLogs = new RunLogFolder(this.ingestContext(store), projectRunsDir(store.path));
    this.applyIngest(this.runLogs.poll());
    if (this.options.host === 'cli') return;
    this.runLogTimer = setInterval(() => {
      try {
        if (this.runLogs) this.applyIngest(this.runLogs.poll());
      } catch (error) {
        console.error(`reading run logs failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, runLogPollMs);
    this.runLogTimer.unref();
  }

  private ingestContext(store: ProjectStore): IngestContext {
    return {
      store,
      findFamily: (id) => this.pipeline.families.find(id)?.family,
      hostName: hostname(),
      isAlive: (pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (error) {
          // EPERM: alive, but another user's.
          return (error as NodeJS.ErrnoException).code === 'EPERM';
        }
      },
    };
  }

  /** Tells the windows what a read of run logs or an import brought in. */
  private applyIngest(report: IngestReport): void {
    for (const problem of report.problems) console.error(`run log: ${problem}`);
    if (report.listsChanged) this.emit('experiments.changed', {});
    if (this.options.liveEvents !== false) for (const chunk of report.chunks) this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y);
    this.live.flush();
    for (const run of report.runs) this.emitStatus(run.runId, run.status, run.status === 'running' ? 0 : 1, null, run.error, run.summary);
  }

  /** A change the pipeline did not make (a Slurm collect, a run log), announced with the run's experiment. */
  private emitStatus(runId: number, status: RunStatus, progress: number, etaMs: number | null, error: string | null, summary: Run['summary'] = null): void {
    if (!this.store) return;
    this.statuses.push({ runId, experimentId: this.store.getRun(runId).experimentId, status, progress, etaMs, error, summary });
  }

  private async closeProject(): Promise<void> {
    if (this.runLogTimer) clearInterval(this.runLogTimer);
    this.runLogTimer = null;
    this.runLogs = null;
    if (!this.store) return;
    await this.cluster.idle();
    await this.pipeline.closeProject();
    // Runs cancelled by the close are announced before the project goes away.
    this.statuses.flush();
    this.store.close();
    this.store = null;
  }

  private createHandlers(): Handlers {
    const ctx: HandlerContext = {
      options: this.options,
      pipeline: this.pipeline,
      cluster: this.cluster,
      recent: this.recent,
      store: () => this.store,
      requireStore: () => this.requireStore(),
      setProject: (store) => this.setProject(store),
      releaseProject: () => this.closeProject(),
      emit: (event, payload) => this.emit(event, payload),
      ingestContext: (store) => this.ingestContext(store),
      applyIngest: (report) => this.applyIngest(report),
    };
    return {
      app: appHandlers(ctx),
      projects: projectsHandlers(ctx),
      experiments: experimentsHandlers(ctx),
      runs: runsHandlers(ctx),
      families: familiesHandlers(ctx),
      slurm: slurmHandlers(ctx),
      dialogs: dialogsHandlers(ctx),
      analyses: analysesHandlers(ctx),
      dashboards: dashboardsHandlers(ctx),
      exports: exportsHandlers(ctx),
      claims: claimsHandlers(ctx),
    };
  }
}

type MethodEntry = { definition: { input: z.ZodType; output: z.ZodType }; handler: (input: unknown) => unknown };

/**
 * The schema and handler of `ns.method`, found among own properties only: through the prototype
 * chain `__proto__.toString` or `app.constructor` would reach a function that is no handler.
 */
function lookUpMethod(handlers: Handlers, ns: unknown, method: unknown): MethodEntry {
  if (typeof ns !== 'string') throw new ExpectedError(`malformed request: ns must be a string, got ${describeType(ns)}`, [{ path: 'ns', message: 'must be a string' }]);
  if (typeof method !== 'string') throw new ExpectedError(`malformed request: method must be a string, got ${describeType(method)}`, [{ path: 'method', message: 'must be a string' }]);
  const definitions = ownEntry<Record<string, MethodEntry['definition']>>(api, ns);
  if (!definitions) throw new ExpectedError(`unknown API method "${ns}.${method}": no namespace "${ns}"`, [{ path: 'ns', message: `unknown namespace (known: ${Object.keys(api).join(', ')})` }]);
  const definition = ownEntry<MethodEntry['definition']>(definitions, method);
  const handler = ownEntry<MethodEntry['handler']>(ownEntry(handlers, ns), method);
  if (!definition || !handler) throw new ExpectedError(`unknown API method "${ns}.${method}"`, [{ path: 'method', message: `unknown method of ${ns} (known: ${Object.keys(definitions).join(', ')})` }]);
  return { definition, handler };
}

function ownEntry<T>(object: unknown, key: string): T | undefined {
  return typeof object === 'object' && object !== null && Object.hasOwn(object, key) ? ((object as Record<string, unknown>)[key] as T) : undefined;
}

function describeType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
