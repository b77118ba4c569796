// The end-to-end harness: the serve host in a child process and Debian's Chromium driven by
// Playwright, as a researcher would use the app. Screenshots and downloads go to test-artifacts/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { artifacts, cliBin, repoRoot, requireBuild, tempDir } from './paths';
import { callServe, connectServe } from './serve-client';

export { artifacts };

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) throw new Error(`Chromium is required in CI (looked at ${chromiumPath}); .ci/run installs it`);

export interface Workbench {
  url: string;
  page: Page;
  close(): Promise<void>;
  shot(name: string): Promise<void>;
}

/**
 * The run pool of the serve host: the host's own default (cores − 1) leaves a core for Chromium and
 * the host on any machine; SADDLE_E2E_POOL sets it.
 */
const poolArgs = process.env.SADDLE_E2E_POOL ? ['--pool', process.env.SADDLE_E2E_POOL] : [];

function startServe(extraArgs: readonly string[]): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, [cliBin, 'serve', '--port', '0', ...poolArgs, ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') },
  });
  server.stderr?.on('data', (d) => process.stderr.write(`[serve] ${d}`));
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match) resolve({ server, url: match[1] });
    });
    server.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
  });
}

/** Starts the serve host and a headless Chromium page on it; `prefix` names the screenshots. */
export async function openWorkbench(prefix: string, serveArgs: readonly string[] = []): Promise<Workbench> {
  requireBuild();
  mkdirSync(artifacts, { recursive: true });
  const { server, url } = await startServe(serveArgs);
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  } catch (error) {
    server.kill('SIGTERM');
    throw error;
  }
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  // Waits end on what they wait for; the limit only ends a hang (Playwright's 30 s failed on a loaded machine).
  page.setDefaultTimeout(180_000);
  return {
    url,
    page,
    shot: async (name) => {
      await page.screenshot({ path: join(artifacts, `${prefix}-${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser?.close();
      server.kill('SIGTERM');
    },
  };
}

/**
 * A workbench for the tests of the enclosing describe: opened before them (with `goto`, the page
 * then loads the app) and closed after. Its fields may be read once the tests run.
 */
export function useWorkbench(prefix: string, serveArgs: readonly string[] = [], options: { goto?: boolean } = {}): Omit<Workbench, 'close'> {
  let bench: Workbench | null = null;
  beforeAll(async () => {
    bench = await openWorkbench(prefix, serveArgs);
    if (options.goto) await bench.page.goto(bench.url);
  });
  afterAll(() => bench?.close());
  const opened = (): Workbench => {
    if (!bench) throw new Error(`${prefix}: the workbench is read before it was opened`);
    return bench;
  };
  return {
    get url() {
      return opened().url;
    },
    get page() {
      return opened().page;
    },
    shot: (name) => opened().shot(name),
  };
}

/**
 * Creates a project at a fresh temp path from the project bar, once the host has answered the
 * app's first call (the version in the bar), as a person would wait for the window. The generous
 * wait is for a 2-core machine running other test files beside this one.
 */
export async function newProject(page: Page, name: string): Promise<string> {
  const projectPath = join(tempDir(), name);
  await page.waitForFunction(() => /^v\d/.test(document.querySelector('.version')?.textContent ?? ''), undefined);
  await page.getByTestId('project-path-input').fill(projectPath);
  await page.getByTestId('project-new').click();
  // Ends on the project shown or on an error the page reports, which then names the failure.
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="project-path"]')?.textContent?.includes(n) || document.querySelector('[data-testid="error-banner"]'),
    name,
  );
  const shown = await page.getByTestId('project-path').textContent();
  if (!shown?.includes(name)) throw new Error(`New ${projectPath}: the page shows ${shown}; it reported ${await page.getByTestId('error-banner').textContent()}`);
  return projectPath;
}

/** Opens the "Logged runs" experiment once a script's logging has made it (one such item in the list). */
export async function openLoggedRuns(page: Page): Promise<void> {
  const item = page.getByTestId('experiment-item').filter({ hasText: 'Logged runs' });
  await expect.poll(() => item.count()).toBe(1);
  await item.click();
}

/** Creates an experiment from a shipped example (`examples/<id>.json`), or from its quick variant. */
export async function createFromExample(page: Page, exampleId: string, variant: 'full' | 'quick' = 'full'): Promise<void> {
  const picker = page.getByTestId('example-picker');
  const option = variant === 'quick' ? `${exampleId}:quick` : exampleId;
  const value = await picker.locator(`[data-example="${option}"]`).getAttribute('value');
  await picker.selectOption(value ?? option);
  await page.getByTestId('create-from-example').click();
}

/** Clicks Export in the open figure dialog and collects the `count` downloads it starts, by file name. */
export async function exportDownloads(page: Page, count: number, dir: string): Promise<Map<string, string>> {
  const downloads: Download[] = [];
  const done = new Promise<void>((resolve) => {
    const onDownload = (download: Download) => {
      downloads.push(download);
      if (downloads.length === count) {
        page.off('download', onDownload);
        resolve();
      }
    };
    page.on('download', onDownload);
  });
  await page.getByTestId('figure-export-go').click();
  await done;
  const files = new Map<string, string>();
  for (const download of downloads) {
    const target = join(dir, download.suggestedFilename());
    await download.saveAs(target);
    files.set(download.suggestedFilename(), target);
  }
  return files;
}

/**
 * Calls the serve host's API directly, beside the page (a second client on the same token): what
 * the project holds, to compare with what the page shows.
 */
export async function hostCall<T>(serveUrl: string, ns: string, method: string, input: unknown = {}): Promise<T> {
  const url = new URL(serveUrl);
  const socket = await connectServe(Number(url.port), url.searchParams.get('token') ?? '');
  try {
    const reply = await callServe<T>(socket, 1, ns, method, input);
    if (!reply.ok) throw new Error(`${ns}.${method}: ${reply.error?.message}`);
    return reply.result as T;
  } finally {
    socket.close();
  }
}
