export * from './api';
export * from './family-meta';
export * from './spec';
export * from './slurm';
export * from './claims';
export * from './client';
export * from './run-log';
export * from './plain-object';
