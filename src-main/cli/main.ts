// The `saddle-lab` entry: answers --help and --version at once and loads the commands (the
// families' definitions, zod schemas, SQLite: most of the CLI's start-up) only for a command.
import type { PrestartedPool } from '../core/run-pool';
import { usage } from './usage';

declare const __APP_VERSION__: string;

/** Runs `saddle-lab ARGV…`; `prestarted` is the pool bin/saddle-lab.mjs started for `run` and `claims`. */
export async function saddleLab(argv: string[], prestarted?: PrestartedPool): Promise<void> {
  const [command] = argv;
  if (!command || command === '-h' || command === '--help') {
    console.log(usage);
    process.exitCode = command ? 0 : 2;
  } else if (command === '-v' || command === '--version') {
    console.log(__APP_VERSION__);
  } else {
    await (await import('./index')).runCli(argv, prestarted);
  }
}
