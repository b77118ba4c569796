// The JSON Schemas in docs/ say what the code does: the manifest schema is generated from the
// zod schema (regenerate with `npx vitest run test/unit/script-family-docs.test.ts -u`), and every
// line the Python helper writes in a real run is valid under the documented protocol schema.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptFamilyManifest } from '../../src-main/contract/script-family';
import { readManifest } from '../../workers/families/sources';
import { repoRoot } from '../helpers/paths';
import { saddleLabEnv } from '../helpers/python';

const protocol = z.fromJSONSchema(JSON.parse(readFileSync(join(repoRoot, 'docs', 'script-protocol.schema.json'), 'utf8')));

describe('docs/ schemas', () => {
  it('docs/saddle-family.schema.json is the manifest schema the app checks', async () => {
    const schema = z.toJSONSchema(scriptFamilyManifest, { io: 'input', unrepresentable: 'any' });
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot('../../docs/saddle-family.schema.json');
  });

  it('the shipped example and the test fixture are valid manifests', () => {
    expect(readManifest(join(repoRoot, 'examples', 'families', 'numpy-dln')).id).toBe('numpy-dln');
    expect(readManifest(join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay')).id).toBe('toy-decay');
  });

  it('every line saddle_lab.py writes matches docs/script-protocol.schema.json, and a wrong line does not', () => {
    const input = JSON.stringify({ family: 'toy-decay', params: { rate: 0.5, steps: 20, sleepMs: 0, gateFile: '', mode: 'ok' }, seed: 3 });
    const stdout = execFileSync('/usr/bin/python3', ['decay.py'], {
      cwd: join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay'),
      env: { ...saddleLabEnv(), SADDLE_PARAMS: input },
      input,
      stdio: ['pipe', 'pipe', 'ignore'],
    }).toString();
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(new Set(lines.map((line) => line.type))).toEqual(new Set(['points', 'event', 'progress', 'summary', 'status']));
    for (const line of lines) expect(protocol.safeParse(line).success, JSON.stringify(line)).toBe(true);
    expect(lines.at(-1)).toEqual({ type: 'status', status: 'done' });
    expect(protocol.safeParse({ type: 'progress', fraction: 2 }).success).toBe(false);
    expect(protocol.safeParse({ type: 'status', status: 'ok' }).success).toBe(false);
  });
});
