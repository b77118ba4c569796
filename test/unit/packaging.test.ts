// Electron is an optional dependency so that `npm install` succeeds offline; packaging then takes
// its version from electron-builder.yml, which must name the version the lock file pins. A Slurm
// job submitted from the packaged app runs files that electron-builder.yml must unpack.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentSpec, slurmOptions } from '../../src-main/contract';
import { ClusterService, cliCommandOf } from '../../src-main/core/slurm/cluster-service';
import { planFormat, writeJobFolder } from '../../src-main/core/slurm/job-folder';
import { repoRoot, tempDir } from '../helpers/paths';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

describe('packaging with an optional Electron', () => {
  const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string; optional?: boolean }> };

  it('declares electron as optional only, so a failed binary download does not fail the install', () => {
    expect(pkg.optionalDependencies?.electron).toBeDefined();
    expect(pkg.devDependencies?.electron).toBeUndefined();
    expect(pkg.dependencies?.electron).toBeUndefined();
    expect(lock.packages['node_modules/electron'].optional).toBe(true);
  });

  it('pins electron-builder to the locked Electron version and leaves the package out of the app', () => {
    const builder = read('electron-builder.yml');
    const pinned = /^electronVersion:\s*"?([\d.]+)"?\s*$/m.exec(builder)?.[1];
    expect(pinned).toBe(lock.packages['node_modules/electron'].version);
    expect(builder).toMatch(/^\s*- "!node_modules\/electron\/\*\*"\s*$/m);
  });
});

/** The asarUnpack globs of electron-builder.yml (a block list of `- dir/**` lines). */
function asarUnpack(builder: string): string[] {
  const block = /^asarUnpack:\n((?:\s+- .*\n)+)/m.exec(builder)?.[1] ?? '';
  return block.split('\n').map((line) => line.trim().replace(/^- /, '')).filter(Boolean);
}

describe('Slurm from the packaged app', () => {
  const builder = read('electron-builder.yml');
  const unpacked = asarUnpack(builder);
  // Every glob is a folder's whole tree, so "is this file unpacked" is a prefix test.
  const isUnpacked = (file: string) => unpacked.some((glob) => file.startsWith(glob.replace(/\*\*$/, '')));

  it('the job script runs the app\'s Electron as Node on a CLI that electron-builder unpacks', () => {
    const resources = '/opt/Saddle Lab/resources';
    const appRoot = join(resources, 'app.asar.unpacked');
    const cli = cliCommandOf(appRoot, { electron: true, execPath: '/opt/Saddle Lab/saddle-lab' });
    const spec = experimentSpec.parse({ family: 'mode-flow' });
    const { script } = writeJobFolder({
      projectPath: join(tempDir(), 'p.saddle'),
      experimentId: 1,
      plan: { format: planFormat, appVersion: '0.0.0', spec, source: null, tasks: [[{ params: {}, seed: 0 }]], runIds: [[1]] },
      options: slurmOptions.parse({}),
      cli,
    });
    const text = readFileSync(script, 'utf8');
    // better-sqlite3 in the package is built for Electron's ABI: the cluster's `node` cannot load it.
    expect(text).toMatch(/^export ELECTRON_RUN_AS_NODE='1'$/m);
    const exec = /^exec '([^']+)' '([^']+)' slurm-task /m.exec(text);
    expect(exec?.[1]).toBe('/opt/Saddle Lab/saddle-lab');
    const bin = relative(appRoot, exec![2]);
    expect(bin).toBe('bin/saddle-lab.mjs');
    expect(isUnpacked(bin)).toBe(true);
    // What bin/saddle-lab.mjs loads, and the Python helper script families import on the node.
    for (const loaded of ['dist/main/cli.js', 'dist/main/prestart.js', 'dist/main/pool-worker.js', 'python/saddle_lab.py']) expect(isUnpacked(loaded), loaded).toBe(true);
    expect(read('bin/saddle-lab.mjs')).toContain("'../dist/main/cli.js'");
  });

  it('from an AppImage (a mount only this machine sees) Slurm says why it is not available, and submit refuses', async () => {
    const cli = cliCommandOf('/tmp/.mount_SaddlXYZ/resources/app.asar.unpacked', { electron: true, execPath: '/tmp/.mount_SaddlXYZ/saddle-lab', appImage: '/home/me/Saddle Lab.AppImage' });
    expect(cli.unreachable).toMatch(/--appimage-extract/);
    const unused = (): never => {
      throw new Error('not reached: the AppImage check comes first');
    };
    const cluster = new ClusterService({ appVersion: 't', cli, store: unused, pipeline: unused, changed: unused });
    expect(await cluster.status()).toEqual({ available: false, reason: cli.unreachable });
    await expect(cluster.submit(1, slurmOptions.parse({}))).rejects.toThrow(/--appimage-extract/);
    expect(cliCommandOf('/opt/Saddle Lab/resources/app.asar.unpacked', { electron: true, execPath: '/opt/Saddle Lab/saddle-lab' }).unreachable).toBeNull();
  });

  it('every package the node-side bundle imports is unpacked, with its runtime dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
    const bundled = JSON.parse(/const bundled = new Set\((\[[^\]]*\])\)/.exec(read('scripts/build.mjs'))![1].replace(/'/g, '"')) as string[];
    // Needed to install or build a package, never loaded by it at run time.
    const buildOnly = new Set(['prebuild-install', '@webgpu/types', 'debug']);
    const needed = new Set<string>();
    const visit = (name: string) => {
      if (needed.has(name) || buildOnly.has(name)) return;
      needed.add(name);
      for (const dependency of Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {})) visit(dependency);
    };
    for (const name of Object.keys(pkg.dependencies)) if (!bundled.includes(name)) visit(name);
    expect(needed).toContain('heap');
    expect([...needed].filter((name) => !isUnpacked(`node_modules/${name}/package.json`))).toEqual([]);
  });
});
