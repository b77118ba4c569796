// copyRunArtifacts (collect of a Slurm run's kept files): plain files and folders come home with
// their bytes; a symlink, whether the run's folder itself or one inside it, stays behind and is
// named; no folder on the cluster side brings nothing and makes no folder at home.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyRunArtifacts } from '../../src-main/core/artifacts';
import { tempDir } from '../helpers/paths';

describe('copyRunArtifacts', () => {
  it('copies plain files and folders, leaves symlinks behind and names them', () => {
    const from = join(tempDir(), 'run-7');
    const outside = join(tempDir(), 'secret.txt');
    writeFileSync(outside, 'not the run\'s\n');
    mkdirSync(join(from, 'ckpt'), { recursive: true });
    writeFileSync(join(from, 'weights.txt'), 'w\n');
    writeFileSync(join(from, 'ckpt', 'step-10.bin'), Buffer.from([0, 1, 2, 255]));
    symlinkSync(outside, join(from, 'escape'));
    symlinkSync(join(from, 'ckpt'), join(from, 'loop'));
    const to = join(tempDir(), 'run-7');

    const problems = copyRunArtifacts(from, to);

    expect(readFileSync(join(to, 'weights.txt'), 'utf8')).toBe('w\n');
    expect([...readFileSync(join(to, 'ckpt', 'step-10.bin'))]).toEqual([0, 1, 2, 255]);
    expect(existsSync(join(to, 'escape'))).toBe(false);
    expect(existsSync(join(to, 'loop'))).toBe(false);
    expect(problems).toEqual([`${join(from, 'escape')}: a symlink, not copied`, `${join(from, 'loop')}: a symlink, not copied`]);
  });

  it('refuses a run folder that is itself a symlink, and brings nothing from a missing one', () => {
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'id_rsa'), 'key\n');
    const jobArtifacts = tempDir();
    symlinkSync(elsewhere, join(jobArtifacts, 'run-1'));
    const home = tempDir();

    expect(copyRunArtifacts(join(jobArtifacts, 'run-1'), join(home, 'run-1'))).toEqual([`${join(jobArtifacts, 'run-1')}: a symlink, not copied`]);
    expect(copyRunArtifacts(join(jobArtifacts, 'run-2'), join(home, 'run-2'))).toEqual([]);
    expect(existsSync(join(home, 'run-1'))).toBe(false);
    expect(existsSync(join(home, 'run-2'))).toBe(false);
  });
});
