// A claim's verdict read as numbers (Saddle Lab's, the paper's, the expected one and the gap), the
// one line per claim of `saddle-lab claims`, and the reproduction report (Markdown, LaTeX, CSV).
// Verdicts come from `judgeClaims` only; this module formats them.
import type { ClaimNumbers, ClaimStatus, ClaimsReportFormat, ClaimVerdict, PaperInfo } from '../contract';

export function formatNumber(value: number | null): string {
  return value === null ? '—' : Number(value.toPrecision(5)).toString();
}

export function claimNumbers(status: ClaimStatus): ClaimNumbers {
  const check = status.decisive;
  const checkPaper = check?.paperValue ?? null;
  const paper = checkPaper === null ? status.claim.paperValue : typeof checkPaper === 'number' ? formatNumber(checkPaper) : checkPaper;
  const expected = check?.expected ?? null;
  let gap: string | null = null;
  if (status.verdict === 'paper-wrong' && typeof checkPaper === 'number' && expected !== null) {
    gap = expected === 0 ? `${formatNumber(checkPaper - expected)} (absolute)` : `${signed(((checkPaper - expected) / Math.abs(expected)) * 100)} %`;
  }
  return { saddleLab: check?.value ?? null, paper, expected, gap, tolerance: check?.tolerance ?? status.claim.tolerance };
}

function signed(value: number): string {
  const text = Number(value.toPrecision(3)).toString();
  return value > 0 ? `+${text}` : text;
}

export const verdictLabel: Record<ClaimVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'paper-wrong': 'PAPER-WRONG',
  'not-here': 'NOT-HERE',
  'not-run': 'NOT-RUN',
};

/** What a claim's verdict rests on, in words: the numbers, or why there are none. */
export function claimFinding(status: ClaimStatus): string {
  if (status.verdict === 'not-here') return `not reproducible here: ${status.claim.notHere}`;
  if (status.verdict === 'not-run') return `no stored check yet (run ${status.claim.examples.join(', ')})`;
  const n = claimNumbers(status);
  const against = n.paper !== null ? `paper ${n.paper}` : `expected ${formatNumber(n.expected)}`;
  const reference = n.paper !== null && n.expected !== null && n.paper !== formatNumber(n.expected) ? `; expected ${formatNumber(n.expected)}` : '';
  const gap = n.gap ? `, paper off by ${n.gap}` : '';
  const checks = status.evidence.length > 1 ? `, 1 of ${status.evidence.length} checks` : '';
  return `Saddle Lab ${formatNumber(n.saddleLab)} vs ${against} (${n.tolerance})${reference}${gap} [${status.decisive?.name}${checks}]`;
}

/** `PASS        000-5   Prop. 4: Saddle Lab -1.0113 vs paper -1 (±0.03)`: the CLI's line. */
export function claimLine(status: ClaimStatus): string {
  return `${verdictLabel[status.verdict].padEnd(11)}  ${status.claim.id.padEnd(7)} ${status.claim.where}: ${claimFinding(status)}`;
}

export const verdictOrder: readonly ClaimVerdict[] = ['pass', 'fail', 'paper-wrong', 'not-here', 'not-run'];

export function countVerdicts(statuses: readonly ClaimStatus[]): Record<ClaimVerdict, number> {
  const counts = Object.fromEntries(verdictOrder.map((v) => [v, 0])) as Record<ClaimVerdict, number>;
  for (const status of statuses) counts[status.verdict] += 1;
  return counts;
}

export function describeCounts(counts: Record<ClaimVerdict, number>): string {
  return verdictOrder.map((v) => `${counts[v]} ${v}`).join(', ');
}

export interface ReportMeta {
  format: ClaimsReportFormat;
  appVersion: string;
  date: Date;
  /** Where the verdicts come from, in words: "the stored analyses of /path/study.saddle". */
  source: string;
}

interface ReportRow {
  paper: string;
  claim: string;
  where: string;
  verdict: ClaimVerdict;
  saddleLab: string;
  paperValue: string;
  expected: string;
  gap: string;
  tolerance: string;
  /** The deciding check and its experiment, or why there is none. */
  basis: string;
}

function rowOf(status: ClaimStatus): ReportRow {
  const n = claimNumbers(status);
  const d = status.decisive;
  const basis = d
    ? `${d.experimentName} (experiment ${d.experimentId}), ${d.analysisTitle}: ${d.name}`
    : status.verdict === 'not-here'
      ? `not here: ${status.claim.notHere}`
      : `not run (${status.claim.examples.join(', ')})`;
  return {
    paper: status.paper,
    claim: status.claim.id,
    where: status.claim.where,
    verdict: status.verdict,
    saddleLab: d ? formatNumber(n.saddleLab) : '',
    paperValue: n.paper ?? '',
    expected: d ? formatNumber(n.expected) : '',
    gap: n.gap ?? '',
    tolerance: n.tolerance,
    basis,
  };
}

function stamp(meta: ReportMeta): string {
  return `${meta.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The reproduction report of the claims given (all of the catalog's, or a CLI selection), with the app version and date. */
export function claimsReport(papers: readonly PaperInfo[], statuses: readonly ClaimStatus[], meta: ReportMeta): { filename: string; content: string } {
  const filename = `saddle-lab-claims-${meta.date.toISOString().slice(0, 10)}.${meta.format}`;
  const byPaper = papers
    .map((paper) => ({ paper, rows: statuses.filter((s) => s.paper === paper.paper) }))
    .filter((group) => group.rows.length > 0);
  const content = meta.format === 'csv' ? csvReport(statuses, meta) : meta.format === 'md' ? markdownReport(byPaper, meta) : latexReport(byPaper, meta);
  return { filename, content };
}

type Groups = { paper: PaperInfo; rows: ClaimStatus[] }[];

function markdownReport(groups: Groups, meta: ReportMeta): string {
  const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|') || '—';
  const lines = [
    '# Saddle Lab reproduction report',
    '',
    `Saddle Lab ${meta.appVersion}, ${stamp(meta)}. Verdicts judged from ${meta.source}.`,
  ];
  for (const { paper, rows } of groups) {
    lines.push('', `## ${paper.paper}: ${paper.title}`, '', `${paper.authors}. ${describeCounts(countVerdicts(rows))}.`, '');
    lines.push('| Claim | Where | Verdict | Saddle Lab | Paper | Expected | Gap | Tolerance | Decided by |', '|---|---|---|---|---|---|---|---|---|');
    for (const r of rows.map(rowOf)) {
      lines.push(`| ${[r.claim, r.where, verdictLabel[r.verdict], r.saddleLab, r.paperValue, r.expected, r.gap, r.tolerance, r.basis].map(cell).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const latexSpecials: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // The default (OT1) text font prints these three as —, ¡ and ¿.
  '|': '\\textbar{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

/** Math symbols the catalog and the checks write in Unicode, as TeX (pdflatex's UTF-8 input has no glyphs for them). */
const mathSymbols: Record<string, string> = {
  α: '\\alpha', β: '\\beta', γ: '\\gamma', δ: '\\delta', ε: '\\varepsilon', ζ: '\\zeta', η: '\\eta', θ: '\\theta',
  ι: '\\iota', κ: '\\kappa', λ: '\\lambda', μ: '\\mu', ν: '\\nu', ξ: '\\xi', π: '\\pi', ρ: '\\rho', σ: '\\sigma',
  τ: '\\tau', φ: '\\varphi', χ: '\\chi', ψ: '\\psi', ω: '\\omega', Γ: '\\Gamma', Δ: '\\Delta', Θ: '\\Theta',
  Λ: '\\Lambda', Π: '\\Pi', Σ: '\\Sigma', Φ: '\\Phi', Ψ: '\\Psi', Ω: '\\Omega',
  '±': '\\pm', '·': '\\cdot', '×': '\\times', '½': '\\tfrac12', '‖': '\\|', '′': "'", ℓ: '\\ell', ℤ: '\\mathbb{Z}',
  '→': '\\to', '⇔': '\\Leftrightarrow', '∇': '\\nabla', '∈': '\\in', '−': '-', '√': '\\surd', '∞': '\\infty',
  '∫': '\\int', '∼': '\\sim', '≈': '\\approx', '≤': '\\le', '≥': '\\ge', '⋯': '\\cdots', ȧ: '\\dot a', ḃ: '\\dot b',
};
/** Scripts, grouped when they follow each other: ⁻¹ → ^{-1}. */
const superscripts: Record<string, string> = { ...Object.fromEntries([...'⁰¹²³⁴⁵⁶⁷⁸⁹'].map((c, i) => [c, String(i)])), '⁻': '-', ᵀ: '\\mathsf{T}' };
const subscripts: Record<string, string> = { ...Object.fromEntries([...'₀₁₂₃₄₅₆₇₈₉'].map((c, i) => [c, String(i)])), ᵢ: 'i' };
const unicodeMath = new RegExp(`[${[...Object.keys(mathSymbols), ...Object.keys(superscripts), ...Object.keys(subscripts)].join('')}]+`, 'gu');

/** A run of Unicode math characters as TeX math (without the dollars). */
function texOfRun(run: string): string {
  let tex = '';
  let mark: '^' | '_' | null = null;
  let script = '';
  for (const c of run) {
    const next = c in superscripts ? '^' : c in subscripts ? '_' : null;
    if (mark !== null && next !== mark) {
      tex += `${mark}{${script}}`;
      script = '';
    }
    if (next === null) tex += `{${mathSymbols[c]}}`;
    else script += (next === '^' ? superscripts : subscripts)[c];
    mark = next;
  }
  if (mark !== null) tex += `${mark}{${script}}`;
  return tex;
}

/**
 * Text for a LaTeX table cell that pdflatex compiles (with amsmath and amssymb): inline math
 * ($…$, written for KaTeX) is kept, the rest escaped, and Unicode math symbols become TeX.
 */
export function latexText(text: string): string {
  return text
    .split(/(\$[^$]+\$)/)
    .map((part, i) =>
      i % 2 === 1
        ? part.replace(unicodeMath, texOfRun)
        : part.replace(/[\\&%$#_{}~^|<>]/g, (c) => latexSpecials[c]).replace(unicodeMath, (run) => `\$${texOfRun(run)}\$`),
    )
    .join('')
    .replace(/\s*\n\s*/g, ' ');
}

function latexReport(groups: Groups, meta: ReportMeta): string {
  const lines = [
    `% Saddle Lab reproduction report: Saddle Lab ${meta.appVersion}, ${stamp(meta)}; verdicts judged from ${meta.source.replace(/%/g, '\\%')}.`,
    '% Needs \\usepackage{longtable,amsmath,amssymb}; compiles with pdflatex (UTF-8 input).',
    '\\begin{longtable}{@{}l p{2.2cm} l r p{3cm} r p{3.6cm}@{}}',
    '\\hline',
    'Claim & Where & Verdict & Saddle Lab & Paper & Expected & Tolerance \\\\',
    '\\hline',
    '\\endhead',
  ];
  for (const { paper, rows } of groups) {
    lines.push(`\\multicolumn{7}{@{}l}{\\textbf{${latexText(`${paper.paper}: ${paper.title}`)}} (${latexText(describeCounts(countVerdicts(rows)))})} \\\\`);
    for (const r of rows.map(rowOf)) {
      const paperCell = r.gap ? `${r.paperValue} (off by ${r.gap})` : r.paperValue;
      const tolerance = r.verdict === 'not-here' ? r.basis : r.tolerance;
      lines.push(`${[r.claim, r.where, verdictLabel[r.verdict], r.saddleLab, paperCell, r.expected, tolerance].map(latexText).join(' & ')} \\\\`);
    }
    lines.push('\\hline');
  }
  lines.push('\\end{longtable}');
  return `${lines.join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvReport(statuses: readonly ClaimStatus[], meta: ReportMeta): string {
  const header = ['paper', 'claim', 'where', 'verdict', 'saddle_lab', 'paper_value', 'expected', 'gap', 'tolerance', 'decided_by', 'app_version', 'date'];
  const lines = [header.join(',')];
  for (const r of statuses.map(rowOf)) {
    lines.push([r.paper, r.claim, r.where, r.verdict, r.saddleLab, r.paperValue, r.expected, r.gap, r.tolerance, r.basis, meta.appVersion, stamp(meta)].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
