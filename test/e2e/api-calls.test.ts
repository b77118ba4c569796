// End to end: how many API calls the app makes for a sweep. Each step of the data flow has one
// owner: main computes the analyses when the sweep ends and pushes them to the window, finished runs
// are re-read together rather than one call each, and theory overlays are asked for once per run,
// when it has finished (a running run has none stored). A 6-run sweep made ~28 calls before:
// 7 runs.series, 12 runs.theory and a second analyses.compute.
import { describe, expect, it } from 'vitest';
import { createFromExample, haveChromium, newProject, useWorkbench } from '../helpers/e2e';

describe.runIf(haveChromium)('API calls of a sweep, counted at the window', () => {
  const bench = useWorkbench('e2e-calls');

  it('a 4-run sweep (the quick variant): no analyses.compute, overlays asked once per run, each finished run re-read once', async () => {
    const { page } = bench;
    const calls: { name: string; runIds: number[] }[] = [];
    /** How many calls had been sent when the stored analyses arrived. */
    let callsAtAnalyses = -1;
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const frame = JSON.parse(String(payload)) as { ns?: string; method?: string; input?: { runIds?: number[] } };
        if (frame.ns) calls.push({ name: `${frame.ns}.${frame.method}`, runIds: frame.input?.runIds ?? [] });
      });
      socket.on('framereceived', ({ payload }) => {
        // Binary frames are runs.series replies (Float64Arrays); events are JSON text.
        if (typeof payload !== 'string') return;
        const frame = JSON.parse(String(payload)) as { event?: string; payload?: { state?: string } };
        if (frame.event === 'analyses.changed' && frame.payload?.state === 'stored') callsAtAnalyses = calls.length;
      });
    });
    // Quiet: no call for half a second (how long loading takes depends on the machine).
    const quiet = async () => {
      let seen = -1;
      await expect.poll(() => (seen === calls.length ? 'quiet' : ((seen = calls.length), 'busy')), { interval: 500 }).toBe('quiet');
    };
    await page.goto(bench.url);
    await newProject(page, 'calls.saddle');
    await createFromExample(page, 'dln-train-lambda-sweep', 'quick');
    await quiet();
    const before = calls.length;
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('4');
    await expect.poll(() => page.getByTestId('analysis-panel').count()).toBeGreaterThan(0);
    await quiet();
    const sweep = calls.slice(before);
    const named = (name: string) => sweep.filter((call) => call.name === name);
    const runIds = new Set(named('runs.series').flatMap((call) => call.runIds));
    expect(runIds.size).toBe(4);
    const timesAsked = (name: string) => [...runIds].map((id) => named(name).filter((call) => call.runIds.includes(id)).length);
    // Main computes the analyses when the sweep ends and pushes them with the event: nothing to ask
    // then. (A page that reloads the project meanwhile, e.g. its first load finishing late on a busy
    // machine, lists them with everything else.)
    expect(named('analyses.compute')).toHaveLength(0);
    expect(callsAtAnalyses).toBeGreaterThanOrEqual(0);
    const askedAfter = calls.slice(callsAtAnalyses).map((call) => call.name);
    expect(askedAfter.filter((name) => name === 'analyses.list'), askedAfter.join(', ')).toHaveLength(0);
    expect(timesAsked('runs.theory')).toEqual([1, 1, 1, 1]);
    // Once as the dashboard picks the new runs up, once more when each has finished (in batches).
    expect(Math.max(...timesAsked('runs.series'))).toBeLessThanOrEqual(2);
    // Before: about 28 (7 runs.series, 12 runs.theory, analyses.compute and its reload).
    expect(sweep.length, sweep.map((call) => call.name).join(', ')).toBeLessThanOrEqual(20);
  });
});
