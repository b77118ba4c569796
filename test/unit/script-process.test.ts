// One script process under hostile behaviour: a descendant that leaves the process group and keeps
// stdout open cannot hold a run past its timeout or its exit, and a line past the length cap fails
// the run by name instead of filling memory.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, type ProcessSpec } from '../../workers/script-family/run-process';
import { LineReader, maxLineLength, ProtocolError } from '../../workers/script-family/line-protocol';
import { tempDir } from '../helpers/paths';

const escapedPids: number[] = [];
afterAll(() => {
  for (const pid of escapedPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

function spec(script: string, overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    argv: ['/bin/sh', '-c', script],
    cwd: tempDir('saddle-process-'),
    env: { PATH: process.env.PATH },
    stdin: '{}',
    signal: new AbortController().signal,
    declared: () => true,
    handlers: { points: () => {}, progress: () => {}, summary: () => {} },
    ...overrides,
  };
}

/**
 * Shell lines that start `sleep 600` in a new session (outside the group) holding stdout, record
 * its pid, and go on once it has.
 */
function escapee(pidFile: string): string {
  return `setsid sh -c 'echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 600' & while [ ! -e ${pidFile} ]; do sleep 0.01; done;`;
}

function recordEscapee(pidFile: string): void {
  escapedPids.push(Number(readFileSync(pidFile, 'utf8')));
}

describe('a script whose descendant escapes its process group', () => {
  it('still times out: the run ends at its deadline though the pipe stays open', async () => {
    const pidFile = join(tempDir(), 'pid');
    const end = await runProcess(spec(`${escapee(pidFile)} sleep 600`, { timeoutSeconds: 1 }));
    recordEscapee(pidFile);
    expect(end.kind).toBe('timeout');
  });

  it('ends with the script: its status line and exit count, the escaped holder is not waited for', async () => {
    const pidFile = join(tempDir(), 'pid');
    const end = await runProcess(spec(`${escapee(pidFile)} echo '{"type":"status","status":"done"}'; exit 0`));
    recordEscapee(pidFile);
    expect(end).toMatchObject({ kind: 'status', final: { status: 'done' } });
  });

  it('is cancelled like any other', async () => {
    const pidFile = join(tempDir(), 'pid');
    const controller = new AbortController();
    const ending = runProcess(spec(`${escapee(pidFile)} echo '{"type":"progress","fraction":0.5}'; sleep 600`, {
      signal: controller.signal,
      handlers: { points: () => {}, progress: () => controller.abort(), summary: () => {} },
    }));
    const end = await ending;
    recordEscapee(pidFile);
    expect(end.kind).toBe('cancelled');
  });
});

describe('the line length cap', () => {
  it(`a line longer than ${maxLineLength} characters fails the run, naming the line and the cap`, async () => {
    // 17 MiB of "x" with no newline, then a valid status line the run never gets to.
    const end = await runProcess(spec(`head -c ${17 * 1024 * 1024} /dev/zero | tr '\\0' x; echo; echo '{"type":"status","status":"done"}'`));
    expect(end.kind).toBe('error');
    expect(end.kind === 'error' && end.error.message).toMatch(new RegExp(`^stdout line 1: longer than ${maxLineLength} characters .*: "xxx`));
  });

  it('a line just under the cap, in 64 KiB pieces, is read whole and exactly once', () => {
    const lines: string[] = [];
    const reader = new LineReader({ points: (_m, x) => lines.push(`points ${x.length}`), progress: () => {}, summary: () => {}, status: () => lines.push('status') }, () => true);
    const xs = Array.from({ length: 200_000 }, (_, i) => i);
    const line = JSON.stringify({ type: 'points', series: { loss: { x: xs, y: xs } } });
    expect(line.length).toBeLessThan(maxLineLength);
    const text = `${line}\n{"type":"status","status":"done"}\n`;
    for (let i = 0; i < text.length; i += 65_536) reader.push(text.slice(i, i + 65_536));
    reader.finish();
    expect(lines).toEqual(['points 200000', 'status']);
    expect(() => new LineReader({ points: () => {}, progress: () => {}, summary: () => {}, status: () => {} }, () => true).push('y'.repeat(maxLineLength + 1))).toThrow(ProtocolError);
  });
});
