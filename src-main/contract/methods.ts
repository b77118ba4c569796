// The API's method names as plain data (no zod), for the sandboxed preload that cannot load
// packages. A unit test checks it against `api`.
export const apiMethods = {
  app: ['info', 'gpu'],
  projects: ['new', 'open', 'saveAs', 'close', 'current', 'recent'],
  experiments: ['list', 'create', 'validate', 'update', 'duplicate', 'delete', 'exportSpec', 'examples'],
  runs: ['start', 'startPoints', 'cancel', 'list', 'series', 'theory', 'update', 'source', 'delete', 'origins', 'import', 'artifacts', 'artifactFile', 'openArtifact', 'artifactData', 'media'],
  families: ['list', 'problems', 'check', 'restore', 'reload', 'trustProject'],
  slurm: ['status', 'submit', 'collect', 'cancel', 'jobs'],
  dialogs: ['pickProjectPath'],
  analyses: ['list', 'compute'],
  dashboards: ['list', 'save', 'delete'],
  exports: ['csv', 'listPresets', 'savePreset', 'deletePreset', 'saveFile'],
  claims: ['list', 'reproduce', 'report'],
} as const;

/** IPC channel names: the only strings the bridge speaks. */
export const ipcChannels = { call: 'saddle:call', event: 'saddle:event' } as const;

/** Prefix of an Error message that carries a JSON ApiErrorShape across the context bridge. */
export const bridgeErrorPrefix = 'saddle-error:';
