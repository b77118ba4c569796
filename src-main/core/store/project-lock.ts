// One writer per project: a process that opens a project for writing first takes its lock file,
// `study.saddle.lock`, which names the holder (pid, host, when). A second process is refused with
// a message naming the holder; it may still open the project read-only. A lock whose process has
// died (kill -9, power loss) on this machine is recognised and taken over. See docs/project-file.md.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ProjectFileError } from './errors';
import { linkExclusive } from './exclusive-link';

export const lockSuffix = '.lock';

const lockOwner = z.object({
  app: z.literal('saddle-lab'),
  pid: z.number().int().positive(),
  host: z.string(),
  startedAtMs: z.number(),
  /** The kernel's start time of the process (Linux), so a pid reused by another process reads as dead. */
  processStart: z.string().nullable(),
  token: z.string(),
});
type LockOwner = z.infer<typeof lockOwner>;

export class ProjectLock {
  private constructor(
    readonly lockPath: string,
    private readonly token: string,
  ) {}

  /**
   * Takes the lock of `projectPath` (which need not exist yet) or throws a ProjectFileError that
   * names the process holding it.
   */
  static acquire(projectPath: string): ProjectLock {
    const lockPath = projectPath + lockSuffix;
    const owner: LockOwner = {
      app: 'saddle-lab',
      pid: process.pid,
      host: os.hostname(),
      startedAtMs: Date.now(),
      processStart: processStartOf(process.pid),
      token: randomBytes(8).toString('hex'),
    };
    // Each pass either takes the lock, refuses, or removes a dead holder's lock; a few passes
    // cover another process taking over the same dead lock at the same moment.
    for (let attempt = 0; attempt < 4; attempt++) {
      if (writeExclusive(projectPath, lockPath, owner)) return new ProjectLock(lockPath, owner.token);
      const holder = readOwner(projectPath, lockPath);
      if (holder === 'gone') continue;
      if (!isDead(holder)) throw lockedError(projectPath, lockPath, holder);
      removeDeadLock(lockPath, holder);
    }
    throw new ProjectFileError(projectPath, `Could not take the lock ${lockPath}: other processes keep taking it. Try again.`);
  }

  /** Removes the lock file if it is still this one's (a user may have deleted it by hand). */
  release(): void {
    try {
      const current = lockOwner.safeParse(JSON.parse(fs.readFileSync(this.lockPath, 'utf8')));
      if (current.success && current.data.token === this.token) fs.rmSync(this.lockPath, { force: true });
    } catch {
      // Already gone or unreadable: nothing of ours to remove.
    }
  }
}

/**
 * Creates the lock file with its full content in one step: written to a private temporary file
 * and hard-linked to the lock's name, which fails if the name exists. So no other process ever
 * reads a half-written lock. Returns false when the lock exists.
 */
function writeExclusive(projectPath: string, lockPath: string, owner: LockOwner): boolean {
  const text = `${JSON.stringify(owner)}\n`;
  const temporaryPath = `${lockPath}.${owner.token}.tmp`;
  try {
    fs.writeFileSync(temporaryPath, text, { flag: 'wx' });
    linkExclusive(temporaryPath, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockFileError(projectPath, lockPath, error);
  } finally {
    fs.rmSync(temporaryPath, { force: true });
  }
}

function readOwner(projectPath: string, lockPath: string): LockOwner | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw lockFileError(projectPath, lockPath, error);
  }
  let parsed: ReturnType<typeof lockOwner.safeParse>;
  try {
    parsed = lockOwner.safeParse(JSON.parse(text));
  } catch {
    parsed = lockOwner.safeParse(null);
  }
  if (!parsed.success) {
    throw new ProjectFileError(
      projectPath,
      `"${projectPath}" has a lock file that Saddle Lab did not write (${lockPath}). If no program has the project open, delete that file and try again.`,
    );
  }
  return parsed.data;
}

/** Only a holder on this machine can be checked; one on another host (a shared folder) is taken to be alive. */
function isDead(holder: LockOwner): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const start = processStartOf(holder.pid);
  return holder.processStart !== null && start !== null && start !== holder.processStart;
}

/**
 * Moves the dead holder's lock aside and deletes it. If another process took the dead lock over
 * between our read and the move, the file moved is that process's live lock: it is put back.
 */
function removeDeadLock(lockPath: string, dead: LockOwner): void {
  const asidePath = `${lockPath}.${randomBytes(8).toString('hex')}.dead`;
  try {
    fs.renameSync(lockPath, asidePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const moved = lockOwner.safeParse(JSON.parse(fs.readFileSync(asidePath, 'utf8')));
    if (moved.success && moved.data.token !== dead.token) fs.linkSync(asidePath, lockPath);
  } catch {
    // The live lock could not be put back because yet another one is there: that one holds.
  } finally {
    fs.rmSync(asidePath, { force: true });
  }
}

/** Field 22 of /proc/PID/stat (clock ticks since boot); null where there is no /proc. */
function processStartOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function lockedError(projectPath: string, lockPath: string, holder: LockOwner): ProjectFileError {
  const since = new Date(holder.startedAtMs).toISOString().replace('T', ' ').slice(0, 19);
  const where = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}, which this machine cannot check`;
  return new ProjectFileError(
    projectPath,
    `"${projectPath}" is open in another Saddle Lab process (${where}, since ${since} UTC). ` +
      'A project has one writer at a time: close it there first, or use another project. ' +
      `If that process no longer runs, delete ${lockPath}.`,
  );
}

function lockFileError(projectPath: string, lockPath: string, error: unknown): ProjectFileError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ProjectFileError(projectPath, `Could not open "${projectPath}": the folder "${path.dirname(projectPath)}" does not exist.`, { cause: error });
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the folder is not writable' : (error as Error).message;
  return new ProjectFileError(projectPath, `Could not take the lock ${lockPath} of "${projectPath}": ${reason}.`, { cause: error });
}
