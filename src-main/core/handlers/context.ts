// What the per-namespace handlers (handlers/*.ts) may use of their service: the open project, the
// RunPipeline, the cluster, events. The service builds one context and keeps dispatch and events.
import type { EventName, EventPayload, MethodOf, Namespace, Output, ParsedInput } from '../../contract';
import type { ProjectStore } from '../store/project-store';
import type { RecentProjects } from '../recent';
import type { RunPipeline } from '../run-pipeline';
import type { PrestartedPool } from '../run-pool';
import type { ClusterService } from '../slurm/cluster-service';
import type { IngestContext, IngestReport } from '../run-logs';

export interface HostDialogs {
  pickProjectPath(mode: 'open' | 'save'): Promise<string | null>;
  saveFile(suggestedName: string, data: Buffer): Promise<string | null>;
  /** Opens a file with the system's application, or shows it selected in its folder. */
  showFile(file: string, reveal: boolean): Promise<void>;
}

export interface ServiceOptions {
  appVersion: string;
  host: 'electron' | 'serve' | 'cli';
  workerFile: string;
  examplesDir: string;
  poolSize?: number;
  /** A pool the CLI started before loading the app, for this service's runs. */
  prestarted?: PrestartedPool;
  recent?: RecentProjects;
  dialogs?: HostDialogs;
  /** The CLI has no window to feed. */
  liveEvents?: boolean;
  /** Folders of script and code families (--family-path), besides the user's and the project's. */
  familyPaths?: string[];
  /** The built-in families to load (RegistryOptions.builtIns): the CLI's `run` names its spec's; default all. */
  builtInFamilies?: readonly string[];
}

export interface HandlerContext {
  readonly options: ServiceOptions;
  readonly pipeline: RunPipeline;
  readonly cluster: ClusterService;
  readonly recent: RecentProjects;
  store(): ProjectStore | null;
  requireStore(): ProjectStore;
  /** Closes the open project (its runs cancelled) and makes `store` the open one. */
  setProject(store: ProjectStore | null): Promise<void>;
  /**
   * Closes the open project without telling the windows: the caller opens the same file next (a
   * reopen), and they see one change, not "no project" first (which made them choose anew).
   */
  releaseProject(): Promise<void>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  ingestContext(store: ProjectStore): IngestContext;
  /** Tells the windows what a read of run logs or an import brought in. */
  applyIngest(report: IngestReport): void;
}

export type NamespaceHandlers<N extends Namespace> = {
  [M in MethodOf<N>]: (input: ParsedInput<N, M>) => Promise<Output<N, M>> | Output<N, M>;
};
