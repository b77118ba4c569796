// `saddle-lab claims` on the shipped catalog: paper 000's Fig. 2 claims from the quick variant of
// mirror-descent-fig2, whose escape-time-scaling checks name them. 000-5 (slope −(L−2) within
// 0.03) passes; 000-8 (the caption's "τ_lin within 2 %") is paper-wrong: against quadrature the
// linearised time is 14.9 % low at L = 2, ε = 0.1 (shared/claims.md). Verdicts are judged over the
// whole project: a second run into the same project adds its checks to the first's.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { requireBuild, tempDir } from '../helpers/paths';

const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });

beforeAll(requireBuild);

interface ClaimLine {
  type: 'claim';
  id: string;
  verdict: string;
  value: number | null;
  expected: number | null;
  evidence: { experimentId: number; name: string; value: number; verdict: string }[];
}

describe('saddle-lab claims', () => {
  it('judges 000-5 pass and 000-8 paper-wrong from the quick Fig. 2 sweep, with a summary line and a report', async () => {
    const dir = tempDir();
    const project = join(dir, 'claims.saddle');
    const report = join(dir, 'report.md');
    const args = ['claims', '--claim', '000-5,000-8', '--quick', '--json', '--project', project];
    const first = await runCli([...args, '--report', report], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const claims = lines.filter((l): l is ClaimLine => l.type === 'claim');
    expect(claims.map((c) => [c.id, c.verdict])).toEqual([
      ['000-5', 'pass'],
      ['000-8', 'paper-wrong'],
    ]);
    // One slope check per depth L = 3…6, each within 0.03 of −(L−2).
    const slopes = claims[0].evidence.map((e) => e.value);
    expect(slopes).toHaveLength(4);
    slopes.forEach((slope, i) => expect(Math.abs(slope + (i + 1))).toBeLessThan(0.03));
    // The L = 2 gap of τ_lin against quadrature: −14.9 %, beyond the caption's 2 %.
    const l2 = claims[1].evidence.find((e) => e.name.startsWith('L = 2'));
    expect(l2?.verdict).toBe('paper-wrong');
    expect(l2?.value).toBeCloseTo(-0.1487, 3);

    const summary = lines.at(-1);
    expect(summary.type).toBe('summary');
    expect(summary.papers).toEqual({ '000': { pass: 1, fail: 0, 'paper-wrong': 1, 'not-here': 0, 'not-run': 0 } });
    expect(summary.examples).toEqual([expect.objectContaining({ name: 'mirror-descent-fig2', variant: 'quick', runs: 30, statuses: { done: 30 }, error: null })]);

    const markdown = readFileSync(report, 'utf8');
    expect(markdown.split('\n').filter((line) => /^\| 000-\d+ \|/.test(line)).map((line) => line.split(' | ')[0])).toEqual(['| 000-5', '| 000-8']);
    expect(markdown).toMatch(/\| 000-8 \| [^|]+ \| PAPER-WRONG \|/);

    // Run again into the same project: the verdicts rest on both experiments' stored checks.
    const second = await runCli(args, env());
    expect(second.code).toBe(0);
    const again = second.stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((l): l is ClaimLine => l.type === 'claim');
    expect(new Set(again[0].evidence.map((e) => e.experimentId))).toEqual(new Set([1, 2]));
    expect(again.map((c) => c.verdict)).toEqual(['pass', 'paper-wrong']);
  });

  it('prints a line per claim, the counts per paper and the wall time', async () => {
    const result = await runCli(['claims', '--claim', '000-5', '--quick'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^▶ mirror-descent-fig2 --quick\n {2}30 runs in \d+\.\d s \(30 done\)$/m);
    expect(result.stdout).toMatch(/^PASS {9}000-5 {3}Prop\. 4[^:]*: Saddle Lab -4 vs paper .* \[L = 6, σ\* = 1: log–log slope .*, 1 of 4 checks\]$/m);
    expect(result.stdout).toMatch(/^000 .*: 1 pass, 0 fail, 0 paper-wrong, 0 not-here, 0 not-run$/m);
    expect(result.stdout).toMatch(/^1 claims, 1 examples in \d+\.\d s: 1 pass/m);
  });

  it.each([
    [['--paper', '999'], /--paper: no paper 999 in the catalog \(papers: 000, /],
    [['--claim', '000-99'], /--claim: no claim 000-99 in the catalog/],
    [['--report', 'verdicts.pdf'], /--report: verdicts\.pdf must end in \.md, \.tex or \.csv/],
    [['--pool', '0'], /--pool must be a positive integer/],
  ])('refuses bad input %j with exit 2 and a message naming the option', async (extra, message) => {
    const result = await runCli(['claims', ...extra], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
