// End to end: a panel keeps what it drew while newly drawn runs' data are on their way (ChartPanel.vue),
// but only for the experiment it shows. Switching to another experiment of the same family whose
// data are not loaded clears the other experiment's curves at once; the new ones come when their
// series arrive. The page's `runs.series` replies (the only binary frames) are held back here, so
// the moment between the switch and the data is as long as the test needs, not a race.
import { describe, expect, it } from 'vitest';
import type { WebSocketRoute } from 'playwright-core';
import { createFromExample, haveChromium, newProject, useWorkbench } from '../helpers/e2e';

describe.runIf(haveChromium)('panel hold across experiments', () => {
  const bench = useWorkbench('e2e-hold');

  it('switching experiments never leaves the other experiment\'s curves standing while the new data load', async () => {
    const { page } = bench;
    let holdSeries = false;
    const held: { socket: WebSocketRoute; message: string | Buffer }[] = [];
    await page.routeWebSocket(/.*/, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (holdSeries && typeof message !== 'string') held.push({ socket, message });
        else socket.send(message);
      });
    });
    await page.goto(bench.url);
    await newProject(page, 'hold.saddle');
    const item = (name: string) => page.getByTestId('experiment-item').filter({ hasText: name });
    const done = async (count: string) => expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe(count);
    await createFromExample(page, 'mirror-descent-fig1', 'quick');
    await expect.poll(() => item('Fig. 1').count()).toBe(1);
    await page.getByTestId('run-start').click();
    await done('1');
    await createFromExample(page, 'mirror-descent-fig2', 'quick');
    await expect.poll(() => item('Fig. 2').count()).toBe(1);
    await page.getByTestId('run-start').click();
    await done('30');

    // A fresh page: no run's series cached.
    await page.reload();
    await item('Fig. 2').click();
    const sigma = page.locator('[data-testid="chart-panel"][data-chart-id="sigma"]');
    const names = async () => JSON.parse((await sigma.getAttribute('data-series-names')) ?? '[]') as string[];
    const fig2Curves = async () => (await names()).some((name) => /initScale=/.test(name));
    await expect.poll(fig2Curves).toBe(true);

    holdSeries = true;
    await item('Fig. 1').click();
    await expect.poll(() => page.locator('[data-testid="experiment-item"].current').textContent()).toContain('Fig. 1');
    // Fig. 1's run has been asked for and its reply is held: the panel draws nothing meanwhile, not Fig. 2's 30 curves.
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await expect.poll(names).toEqual([]);

    holdSeries = false;
    for (const { socket, message } of held.splice(0)) socket.send(message);
    // Fig. 1 is one run of four modes: its curves are named by metric.
    await expect.poll(names).toEqual(['sigma/0', 'sigma/1', 'sigma/2', 'sigma/3']);
  });
});
