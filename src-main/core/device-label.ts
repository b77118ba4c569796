// How a run's device reads in the runs table; written by local runs and by Slurm tasks alike.
import type { DeviceUsed } from '../../workers/family';

/** 'cpu', 'gpu: NVIDIA H100 …', with the notice if any. */
export function describeDevice(used: DeviceUsed): string {
  const name = used.device === 'gpu' && used.adapterName ? `gpu: ${used.adapterName}` : used.device;
  return used.notice ? `${name} (${used.notice})` : name;
}
