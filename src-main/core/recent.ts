// The recent-projects list, kept as a small JSON file in the user's config folder.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const limit = 10;

export interface RecentEntry {
  path: string;
  openedAtMs: number;
}

export function defaultConfigDir(): string {
  if (process.env.SADDLE_LAB_CONFIG_DIR) return process.env.SADDLE_LAB_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'saddle-lab');
}

export class RecentProjects {
  private readonly file: string;

  constructor(configDir = defaultConfigDir()) {
    this.file = join(configDir, 'recent.json');
  }

  list(): (RecentEntry & { exists: boolean })[] {
    return this.read().map((entry) => ({ ...entry, exists: existsSync(entry.path) }));
  }

  /** The most recently opened project, if it still exists (the desktop app reopens it). */
  last(): string | null {
    return this.list().find((entry) => entry.exists)?.path ?? null;
  }

  touch(path: string): void {
    const absolute = resolve(path);
    const entries = [{ path: absolute, openedAtMs: Date.now() }, ...this.read().filter((e) => e.path !== absolute)];
    this.write(entries.slice(0, limit));
  }

  private read(): RecentEntry[] {
    try {
      const data: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (!Array.isArray(data)) return [];
      return data.filter(
        (e): e is RecentEntry => typeof e?.path === 'string' && typeof e?.openedAtMs === 'number',
      );
    } catch {
      return [];
    }
  }

  private write(entries: RecentEntry[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(entries, null, 2));
    renameSync(temp, this.file);
  }
}
