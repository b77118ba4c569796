// The `saddle-lab` entry: answers --help and --version at once and loads the commands (the
// families' definitions, zod schemas, SQLite: most of the CLI's start-up) only for a command.
import { usage } from './usage';

declare const __APP_VERSION__: string;

const argv = process.argv.slice(2);
const [command] = argv;
if (!command || command === '-h' || command === '--help') {
  console.log(usage);
  process.exitCode = command ? 0 : 2;
} else if (command === '-v' || command === '--version') {
  console.log(__APP_VERSION__);
} else {
  await (await import('./index')).runCli(argv);
}
