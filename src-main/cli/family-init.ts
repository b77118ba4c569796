// `saddle-lab family init train.py`: a script family's manifest written from the script's own
// argparse parser, so nothing is declared twice. python/saddle_lab.py runs the script up to its
// parse_args() (nothing after it runs) and describes every option; each becomes a parameter with
// its type, default, choices and help, marked `argparse` so a run passes it back as that flag.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { manifestFileName, scriptFamilyManifest } from '../contract/script-family';
import { ExpectedError, issuesFromZod, describeIssues } from '../core/errors';

export function familyInitCommand(args: string[], sdkDir: string): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { metric: { type: 'string', multiple: true }, id: { type: 'string' }, title: { type: 'string' }, python: { type: 'string', default: 'python3' }, force: { type: 'boolean' } },
    });
  } catch (error) {
    throw new ExpectedError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'init' || positionals.length !== 2) throw new ExpectedError('usage: saddle-lab family init SCRIPT.py --metric NAME…', [{ path: 'script', message: 'missing' }]);
  const script = resolve(positionals[1]);
  if (!existsSync(script)) throw new ExpectedError(`family init: ${script} does not exist`, [{ path: 'script', message: 'no such file' }]);
  const metrics = values.metric ?? [];
  if (metrics.length === 0) throw new ExpectedError('family init: name what the script logs with --metric NAME (at least one)', [{ path: 'metric', message: 'missing' }]);
  const folder = dirname(script);
  const target = join(folder, manifestFileName);
  if (existsSync(target) && !values.force) throw new ExpectedError(`family init: ${target} exists (--force replaces it)`, [{ path: 'force', message: 'manifest exists' }]);

  const python = values.python as string;
  // Not a family run: without these the helper leaves stdout alone.
  const { SADDLE_PARAMS: _params, SADDLE_PARAMS_FILE: _paramsFile, ...env } = process.env;
  let described: string;
  try {
    described = execFileSync(python, [join(sdkDir, 'saddle_lab.py'), 'describe-argparse', basename(script)], {
      cwd: folder,
      env: { ...env, PYTHONPATH: [sdkDir, env.PYTHONPATH].filter(Boolean).join(delimiter) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new ExpectedError(`family init: reading ${basename(script)}'s parser failed: ${stderr.split('\n').at(-1) || (error as Error).message}`);
  }
  const stem = basename(script).replace(/\.py$/, '');
  const manifest = {
    id: values.id ?? (stem.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '') || 'script'),
    title: values.title ?? stem,
    summary: `Written by saddle-lab family init from ${basename(script)}'s argparse parser.`,
    command: [python, basename(script)],
    params: { type: 'object', properties: JSON.parse(described.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown> },
    metrics: metrics.map((name) => ({ name, label: name, x: 'step' })),
    charts: metrics.map((name) => ({ id: name.replace(/\/$/, ''), title: name, x: { label: 'step' }, y: { label: name }, series: [name] })),
  };
  const checked = scriptFamilyManifest.safeParse(manifest);
  if (!checked.success) {
    const issues = issuesFromZod(checked.error);
    throw new ExpectedError(`family init: the manifest written from ${basename(script)} is not valid: ${describeIssues(issues)}`, issues);
  }
  writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${target}: ${Object.keys(manifest.params.properties).length} parameters (${Object.keys(manifest.params.properties).join(', ')}), metrics ${metrics.join(', ')}`);
  return 0;
}
