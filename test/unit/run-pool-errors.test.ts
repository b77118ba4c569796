import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type Piscina from 'piscina';
import { createRunPool, withErrorListener } from '../../src-main/core/run-pool';
import { workerFile } from '../helpers/paths';

// CI once died on piscina's "Unexpected message from Worker": a run cancelled as it finished had its
// thread terminated while its result was in flight, and the pool's 'error' had no listener.
describe('run pool errors', () => {
  it('a late result of a cancelled task is not fatal and not logged; other pool errors are logged', () => {
    const lines: string[] = [];
    const pool = withErrorListener(new EventEmitter() as unknown as Piscina, (line) => lines.push(line));
    expect(() => pool.emit('error', new Error("Unexpected message from Worker: { taskId: 132, result: { status: 'done' } }"))).not.toThrow();
    expect(lines).toEqual([]);
    expect(() => pool.emit('error', new Error('Failed to close pool: Close operation timed out'))).not.toThrow();
    expect(lines).toEqual(['[pool] Failed to close pool: Close operation timed out']);
  });

  it('the run pool comes with the listener', async () => {
    const pool = createRunPool(workerFile, 1);
    try {
      expect(() => pool.emit('error', new Error('Unexpected message from Worker: {}'))).not.toThrow();
    } finally {
      await pool.destroy();
    }
  });
});
