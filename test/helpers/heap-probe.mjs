// Preloaded into a CLI child (NODE_OPTIONS=--import) by the memory test: when the CLI writes its
// first analysis line, every run line is out, so it forces a full GC then and notes the main
// thread's heap in use; on exit it writes that and the process's peak resident set (all threads)
// to stderr as `heap-probe {"heapUsed":…,"maxRssKb":…}`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc');
  let heapUsed = null;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    if (heapUsed === null && String(chunk).startsWith('{"type":"analysis"')) {
      collectGarbage();
      heapUsed = process.memoryUsage().heapUsed;
    }
    return write(chunk, ...rest);
  };
  process.on('exit', () => process.stderr.write(`heap-probe ${JSON.stringify({ heapUsed, maxRssKb: process.resourceUsage().maxRSS })}\n`));
}
