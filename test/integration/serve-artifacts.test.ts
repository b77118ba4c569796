// A run's kept files through the real serve host (issue 24): the file the runs.artifacts list names
// comes back byte for byte from /artifact with the token, as a download; without the token, and for
// any path out of the run's folder (`..`, absolute, a symlink to a file or folder outside), nothing
// is served. The symlink out is left out of the list too.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServeHandle } from '../../src-main/serve/server';
import type { SaddleService } from '../../src-main/core/service';
import type { Run } from '../../src-main/contract';
import { requireBuild, tempDir } from '../helpers/paths';
import { saddleLabEnv } from '../helpers/python';
import { testService } from '../helpers/service';

type Artifacts = { runId: number; dir: string; files: { path: string; bytes: number; sha256: string }[] };

let server: ServeHandle;
let service: SaddleService;
let runId: number;
let artifacts: Artifacts;
const weights = randomBytes(300_000);
const outside = tempDir('saddle-outside-');

beforeAll(async () => {
  requireBuild();
  const project = join(tempDir(), 'served.saddle');
  const script = 'import os, saddle_lab as wandb\nrun = wandb.init(project=os.environ["P"], name="saver")\nos.makedirs(os.path.join(run.dir, "ckpt"))\nwandb.log({"loss": 1.0})\nwandb.finish()\n';
  const result = spawnSync('/usr/bin/python3', ['-c', script], { env: { ...saddleLabEnv(), P: project }, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  writeFileSync(join(outside, 'secret.txt'), 'not the run\'s\n');
  service = testService({ host: 'serve' });
  await service.dispatch('projects', 'new', { path: project });
  [{ id: runId }] = (await service.dispatch('runs', 'list', {})) as Run[];
  const dir = ((await service.dispatch('runs', 'artifacts', { runId })) as Artifacts).dir;
  writeFileSync(join(dir, 'ckpt', 'weights.bin'), weights);
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
  symlinkSync(outside, join(dir, 'outside'));
  artifacts = (await service.dispatch('runs', 'artifacts', { runId })) as Artifacts;
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  server = await startServer({ service, rendererDir, log: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await service?.close();
});

function artifactUrl(path: string, token: string | null = server.token, run = runId): string {
  const query = new URLSearchParams({ run: String(run), path });
  if (token !== null) query.set('token', token);
  return `http://127.0.0.1:${server.port}/artifact?${query.toString()}`;
}

describe('run files through the serve host', () => {
  it('lists the run\'s own file and serves it byte-identical, as a download', async () => {
    expect(artifacts.files).toEqual([{ path: 'ckpt/weights.bin', bytes: weights.length, sha256: createHash('sha256').update(weights).digest('hex') }]);
    const response = await fetch(artifactUrl(artifacts.files[0].path));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''weights.bin");
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    expect(Buffer.from(await response.arrayBuffer()).equals(weights)).toBe(true);
  });

  it('refuses without the token, or with a wrong one', async () => {
    expect((await fetch(artifactUrl('ckpt/weights.bin', null))).status).toBe(403);
    expect((await fetch(artifactUrl('ckpt/weights.bin', 'x'.repeat(server.token.length)))).status).toBe(403);
  });

  it('refuses every path out of the run\'s folder, naming why', async () => {
    const refusals: [string, RegExp][] = [
      ['../served.saddle', /no '\.\.', not absolute/],
      ['ckpt/../../served.saddle', /no '\.\.', not absolute/],
      ['..\\served.saddle', /no '\.\.', not absolute/],
      [join(outside, 'secret.txt'), /no '\.\.', not absolute/],
      ['/etc/passwd', /no '\.\.', not absolute/],
      ['link.txt', /leads out of the run's folder/],
      ['outside/secret.txt', /leads out of the run's folder/],
      ['ckpt', /not a plain file/],
      ['missing.bin', /is not a file in the run's folder/],
    ];
    for (const [path, why] of refusals) {
      const response = await fetch(artifactUrl(path));
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toMatch(why);
    }
    const unknownRun = await fetch(artifactUrl('ckpt/weights.bin', server.token, runId + 1000));
    expect(unknownRun.status).toBe(404);
  });

  it('in the desktop API, opening is refused on this host (it links instead)', async () => {
    await expect(service.dispatch('runs', 'openArtifact', { runId, path: 'ckpt/weights.bin' })).rejects.toThrow(/only available in the desktop app/);
  });
});
