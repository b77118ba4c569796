// The claims ledger's machinery: the catalog's validation (a broken file names the file and the
// field), the verdicts judged from stored checks (fail beats paper-wrong beats pass; not-here;
// not-run), the reproduction report read back (CSV parsed, a Markdown row per claim, LaTeX escaped),
// and the shipped catalog: it loads, and every example it names is shipped.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeClaims, loadClaimCatalog, type ExperimentAnalyses } from '../../src-main/core/claims';
import { claimLine, claimNumbers, claimsReport, latexText } from '../../src-main/core/claims-report';
import type { AnalysisCheck, PaperClaims } from '../../src-main/contract';
import { appPaths } from '../../src-main/core/app-paths';
import { examplesDir, repoRoot, tempDir } from '../helpers/paths';
import { skipWithoutTex } from '../helpers/tex';

function paper(id: string, claims: Record<string, unknown>[]): Record<string, unknown> {
  return { paper: id, title: `Paper ${id}`, authors: 'A. Author', families: ['mode-flow'], claims };
}

function claim(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, where: `Fig. ${id}`, statement: 'A claim with $\\varepsilon$.', quantity: 'a slope', paperValue: null, tolerance: '±0.03', examples: ['mirror-descent-fig2'], notHere: null, ...extra };
}

function catalogDir(files: Record<string, unknown>): string {
  const dir = tempDir('saddle-claims-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('loadClaimCatalog', () => {
  it('reads every NNN.json in order and ignores other files', () => {
    const dir = catalogDir({ '001.json': paper('001', [claim('001-1')]), '000.json': paper('000', [claim('000-1')]), 'README.md': 'notes' });
    expect(loadClaimCatalog(dir).map((p) => p.paper)).toEqual(['000', '001']);
  });

  it('names the file of a file that is not JSON', () => {
    const dir = catalogDir({ '000.json': '{ "paper": ' });
    expect(() => loadClaimCatalog(dir)).toThrow(/claims file 000\.json: not valid JSON/);
  });

  it('names the file and the field of a claim that lacks one', () => {
    const { where: _where, ...noWhere } = claim('000-2');
    const dir = catalogDir({ '000.json': paper('000', [claim('000-1'), noWhere]) });
    expect(() => loadClaimCatalog(dir)).toThrow(/claims file 000\.json: claims\[1\]\.where: /);
  });

  it('refuses a claim with both examples and a notHere reason, or neither', () => {
    const both = catalogDir({ '000.json': paper('000', [claim('000-1', { notHere: 'needs ImageNet' })]) });
    expect(() => loadClaimCatalog(both)).toThrow(/claims file 000\.json: claims\[0\].*not both/);
    const neither = catalogDir({ '000.json': paper('000', [claim('000-1', { examples: [] })]) });
    expect(() => loadClaimCatalog(neither)).toThrow(/claims file 000\.json/);
  });

  it('refuses a file whose paper is another, and a claim of another paper', () => {
    expect(() => loadClaimCatalog(catalogDir({ '000.json': paper('001', [claim('001-1')]) }))).toThrow(/claims file 000\.json: its paper is "001"/);
    expect(() => loadClaimCatalog(catalogDir({ '000.json': paper('000', [claim('001-1')]) }))).toThrow(/claims file 000\.json: claim 001-1 belongs to another paper/);
  });

  it('refuses a claim id listed twice', () => {
    const dir = catalogDir({ '000.json': paper('000', [claim('000-1'), claim('000-1')]) });
    expect(() => loadClaimCatalog(dir)).toThrow(/claims file 000\.json: claim 000-1 is listed twice/);
  });

  it('says which folder it cannot read', () => {
    expect(() => loadClaimCatalog(join(tempDir(), 'missing'))).toThrow(/cannot read the claims catalog .*missing/);
  });
});

const skipTex = skipWithoutTex();

function check(claimId: string, extra: Partial<AnalysisCheck> = {}): AnalysisCheck {
  return { name: `check of ${claimId}`, value: 1, expected: 1, tolerance: '±1e-3', pass: true, claim: claimId, ...extra };
}

function experimentWith(experimentId: number, checks: AnalysisCheck[]): ExperimentAnalyses {
  return {
    experimentId,
    experimentName: `experiment ${experimentId}`,
    records: [{ experimentId, computedAtMs: 0, result: { id: 'fit', title: 'A fit', columns: [], rows: [], checks, notes: [] } }],
  };
}

const catalog: PaperClaims[] = [
  {
    paper: '000',
    title: 'Paper 000',
    authors: 'A. Author',
    families: ['mode-flow'],
    claims: ['000-1', '000-2', '000-3', '000-4', '000-5'].map((id) => ({
      id,
      where: `§${id}`,
      statement: 's',
      quantity: 'q',
      paperValue: id === '000-2' ? '2 %' : null,
      tolerance: 't',
      examples: id === '000-4' ? [] : ['mirror-descent-fig2'],
      notHere: id === '000-4' ? 'needs GPU-days' : null,
    })),
  },
];

describe('judgeClaims', () => {
  // 000-1: pass, paper-wrong and fail checks → fail; 000-2: pass and paper-wrong → paper-wrong;
  // 000-3: passes only → pass; 000-4: not here; 000-5: no check → not-run.
  const experiments = [
    experimentWith(1, [check('000-1'), check('000-2', { value: 0.956, expected: 0.956, paperValue: 0.98, paperHolds: false }), check('000-3')]),
    experimentWith(2, [check('000-1', { pass: false, value: 0.8 }), check('000-1', { paperValue: 3, paperHolds: false }), check('000-2'), check('000-3', { value: 1.0004 }), check('999-1')]),
  ];
  const statuses = judgeClaims(catalog, experiments);
  const byId = new Map(statuses.map((s) => [s.claim.id, s]));

  it('gives each claim its verdict: fail beats paper-wrong beats pass; not-here; not-run', () => {
    expect(statuses.map((s) => [s.claim.id, s.verdict])).toEqual([
      ['000-1', 'fail'],
      ['000-2', 'paper-wrong'],
      ['000-3', 'pass'],
      ['000-4', 'not-here'],
      ['000-5', 'not-run'],
    ]);
  });

  it('keeps every check as evidence, and the latest one with the claim\'s verdict decides', () => {
    expect(byId.get('000-1')?.evidence.map((e) => e.verdict)).toEqual(['pass', 'fail', 'paper-wrong']);
    expect(byId.get('000-1')?.decisive).toMatchObject({ experimentId: 2, verdict: 'fail', value: 0.8 });
    expect(byId.get('000-2')?.decisive).toMatchObject({ experimentId: 1, verdict: 'paper-wrong', paperValue: 0.98 });
    expect(byId.get('000-3')?.decisive).toMatchObject({ experimentId: 2, value: 1.0004 });
    expect(byId.get('000-5')?.decisive).toBeNull();
  });

  it('reads a paper-wrong claim as both numbers and the gap', () => {
    const numbers = claimNumbers(byId.get('000-2')!);
    // (0.98 − 0.956) / 0.956 = +2.51 %
    expect(numbers).toEqual({ saddleLab: 0.956, paper: '0.98', expected: 0.956, gap: '+2.51 %', tolerance: '±1e-3' });
    expect(claimLine(byId.get('000-2')!)).toBe('PAPER-WRONG  000-2   §000-2: Saddle Lab 0.956 vs paper 0.98 (±1e-3); expected 0.956, paper off by +2.51 % [check of 000-2, 1 of 2 checks]');
    expect(claimLine(byId.get('000-4')!)).toBe('NOT-HERE     000-4   §000-4: not reproducible here: needs GPU-days');
    expect(claimLine(byId.get('000-5')!)).toMatch(/^NOT-RUN {6}000-5 {3}§000-5: no stored check yet \(run mirror-descent-fig2\)$/);
  });

  it('judges nothing without experiments: every desktop claim is not-run', () => {
    expect(judgeClaims(catalog, []).map((s) => s.verdict)).toEqual(['not-run', 'not-run', 'not-run', 'not-here', 'not-run']);
  });
});

/** RFC 4180 fields, quotes and doubled quotes included: enough to read the report back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) field += c;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  return rows;
}

describe('the reproduction report', () => {
  const tricky: PaperClaims = {
    ...catalog[0],
    title: 'Rates & 50 % of_all',
    claims: catalog[0].claims.map((c) => (c.id === '000-3' ? { ...c, where: 'Table 1, "row 2", col_3', paperValue: 'a | b & 10 % within $\\varepsilon_0$' } : c)),
  };
  const experiments = [experimentWith(1, [check('000-1', { pass: false, value: 0.8 }), check('000-2', { value: 0.956, expected: 0.956, paperValue: 0.98, paperHolds: false }), check('000-3')])];
  const statuses = judgeClaims([tricky], experiments);
  const meta = { appVersion: '9.8.7', date: new Date('2026-12-06T23:04:00Z'), source: 'the stored analyses of /tmp/p.saddle' };

  it('CSV: one row per claim that reads back to the verdicts and numbers, with version and date', () => {
    const { filename, content } = claimsReport([tricky], statuses, { ...meta, format: 'csv' });
    expect(filename).toBe('saddle-lab-claims-2026-12-06.csv');
    const [header, ...rows] = parseCsv(content);
    const column = (name: string) => header.indexOf(name);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r[column('verdict')])).toEqual(['fail', 'paper-wrong', 'pass', 'not-here', 'not-run']);
    const wrong = rows[1];
    expect([wrong[column('saddle_lab')], wrong[column('paper_value')], wrong[column('expected')], wrong[column('gap')]]).toEqual(['0.956', '0.98', '0.956', '+2.51 %']);
    expect(rows[2][column('where')]).toBe('Table 1, "row 2", col_3');
    expect(rows[3][column('decided_by')]).toBe('not here: needs GPU-days');
    expect(new Set(rows.map((r) => `${r[column('app_version')]} ${r[column('date')]}`))).toEqual(new Set(['9.8.7 2026-12-06 23:04 UTC']));
  });

  it('Markdown: a table row per claim, pipes escaped, version and date on top', () => {
    const { content } = claimsReport([tricky], statuses, { ...meta, format: 'md' });
    expect(content).toContain('Saddle Lab 9.8.7, 2026-12-06 23:04 UTC');
    const rows = content.split('\n').filter((line) => /^\| 000-\d/.test(line));
    expect(rows.map((r) => r.split(' | ')[0].slice(2))).toEqual(['000-1', '000-2', '000-3', '000-4', '000-5']);
    // Every row has the header's nine cells: the pipe inside the paper's value is escaped.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(9);
    expect(content).toContain('1 pass, 1 fail, 1 paper-wrong, 1 not-here, 1 not-run');
  });

  it('LaTeX: & % _ # escaped outside math, inline math kept', () => {
    expect(latexText('50 % & a_b #1 {x} ~ ^ \\ |gap| < 2 within $\\varepsilon_0 < |x|$')).toBe(
      '50 \\% \\& a\\_b \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} \\textbar{}gap\\textbar{} \\textless{} 2 within $\\varepsilon_0 < |x|$',
    );
    const { filename, content } = claimsReport([tricky], statuses, { ...meta, format: 'tex' });
    expect(filename).toBe('saddle-lab-claims-2026-12-06.tex');
    expect(content).toContain('\\textbf{000: Rates \\& 50 \\% of\\_all}');
    expect(content).toContain('a \\textbar{} b \\& 10 \\% within $\\varepsilon_0$');
    const rows = content.split('\n').filter((line) => /^000-\d/.test(line));
    expect(rows).toHaveLength(5);
    // Seven cells a row: no unescaped & inside a cell.
    for (const row of rows) expect(row.split(/(?<!\\)&/)).toHaveLength(7);
    expect(content).toMatch(/\\begin\{longtable\}[\s\S]*\\end\{longtable\}\n$/);
  });

  it('LaTeX: Unicode math becomes TeX, scripts grouped, inside math and out', () => {
    expect(latexText('σ₁ ≤ ‖X‖⁻¹ for ℓ ∈ ℤ')).toBe('${\\sigma}_{1}$ ${\\le}$ ${\\|}$X${\\|}^{-1}$ for ${\\ell}$ ${\\in}$ ${\\mathbb{Z}}$');
    expect(latexText('$a ≤ σ²$')).toBe('$a {\\le} {\\sigma}^{2}$');
  });

  it.skipIf(skipTex)(`LaTeX: the shipped catalog's report compiles with pdflatex, no character missing${skipTex ? ' (skipped: no pdflatex here)' : ''}`, () => {
    const shipped = loadClaimCatalog(join(examplesDir, 'claims'));
    // Every claim with a check whose name and tolerance use the symbols the families' checks use.
    const checks = shipped.flatMap((p) => p.claims.map((c) => check(c.id, { name: 'L = 6, σ* = 1: log–log slope (ε ≤ 10^−1.5), ‖W₂W₁‖_F', tolerance: '±2 % of 1/((L−2)σ*)', paperValue: 'σ²ᵢ ≈ ½' })));
    const statuses = judgeClaims(shipped, [experimentWith(1, checks)]);
    const dir = tempDir('saddle-claims-tex-');
    writeFileSync(join(dir, 'report.tex'), claimsReport(shipped, statuses, { ...meta, format: 'tex' }).content);
    writeFileSync(join(dir, 'paper.tex'), '\\documentclass{article}\\usepackage{longtable,amsmath,amssymb}\\begin{document}\\input{report.tex}\\end{document}\n');
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'pipe' });
    expect(readFileSync(join(dir, 'paper.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(join(dir, 'paper.log'), 'latin1')).not.toMatch(/Missing character|Unicode character/);
  });
});

describe('the shipped catalog (examples/claims/)', () => {
  const dir = join(examplesDir, 'claims');

  it('loads, and every example a claim names is shipped', () => {
    const papers = loadClaimCatalog(dir);
    expect(papers.length).toBeGreaterThan(0);
    const missing = papers.flatMap((p) => p.claims.flatMap((c) => c.examples.filter((name) => !existsSync(join(examplesDir, `${name}.json`))).map((name) => `${c.id}: ${name}`)));
    expect(missing).toEqual([]);
  });

  it('ships with the packaged app: read from <app>/examples/claims, and examples/ is among electron-builder\'s files', () => {
    expect(appPaths('file:///opt/saddle/resources/app.asar/dist/main/electron.js').examplesDir).toBe('/opt/saddle/resources/app.asar/examples');
    const files = /^files:\n((?: {2}- .*\n)+)/m.exec(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8'))?.[1] ?? '';
    expect(files.split('\n').map((line) => line.trim())).toContain('- examples/**/*');
  });
});
