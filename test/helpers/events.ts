// The run-status changes carried by a service event (`run.statuses` batches a tick's changes).
import type { RunStatusChange } from '../../src-main/contract/api';

export function statusChanges(event: string, payload: unknown): RunStatusChange[] {
  return event === 'run.statuses' ? (payload as { changes: RunStatusChange[] }).changes : [];
}
