// `saddle-lab claims`: runs each example the selected claims name once (quick or full) through the
// CLI's run path, then prints every selected claim's verdict as judged by the service (`claims.list`,
// over the project's stored analyses), the counts per paper and the wall time.
import { writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { SaddleService } from '../core/service';
import { ExpectedError } from '../core/errors';
import { loadClaimCatalog } from '../core/claims';
import { loadExamples } from '../core/examples';
import { claimFinding, claimLine, claimNumbers, claimsReport, countVerdicts, describeCounts } from '../core/claims-report';
import { claimsReportFormat, type ClaimsOverview, type ClaimStatus } from '../contract';
import { Interruption, ProjectFile, runExperiment } from './run-experiment';
import { typedApi } from './typed-api';

export interface ClaimsCli {
  newService(options: { poolSize?: number; familyPaths?: string[] }): SaddleService;
  examplesDir: string;
  appVersion: string;
}

export interface ClaimsOptions {
  papers: string[];
  claims: string[];
  quick: boolean;
  json: boolean;
  project: string | undefined;
  report: string | undefined;
  poolSize: number | undefined;
  familyPaths: string[] | undefined;
}

interface ExampleOutcome {
  name: string;
  variant: 'quick' | 'full';
  runs: number;
  statuses: Record<string, number>;
  seconds: number;
  /** Why it did not run (not shipped, an invalid spec). */
  error: string | null;
}

const listOf = (values: string[]) => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export async function claimsCommand(options: ClaimsOptions, cli: ClaimsCli): Promise<number> {
  const startedMs = Date.now();
  const catalog = loadClaimCatalog(join(cli.examplesDir, 'claims'));
  const papers = listOf(options.papers);
  const ids = listOf(options.claims);
  const knownPapers = catalog.map((p) => p.paper);
  const unknownPapers = papers.filter((p) => !knownPapers.includes(p));
  if (unknownPapers.length > 0) throw new ExpectedError(`--paper: no paper ${unknownPapers.join(', ')} in the catalog (papers: ${knownPapers.join(', ')})`);
  const knownIds = new Set(catalog.flatMap((p) => p.claims.map((c) => c.id)));
  const unknownIds = ids.filter((id) => !knownIds.has(id));
  if (unknownIds.length > 0) throw new ExpectedError(`--claim: no claim ${unknownIds.join(', ')} in the catalog`);
  const reportFormat = options.report === undefined ? null : reportFormatOf(options.report);

  const everything = papers.length === 0 && ids.length === 0;
  const selected = catalog.flatMap((p) => p.claims.filter((c) => everything || papers.includes(p.paper) || ids.includes(c.id)).map((c) => c.id));
  const exampleNames = [...new Set(catalog.flatMap((p) => p.claims.filter((c) => selected.includes(c.id)).flatMap((c) => c.examples)))];

  const service = cli.newService({ poolSize: options.poolSize, familyPaths: options.familyPaths });
  const api = typedApi(service);
  const project = ProjectFile.at(options.project);
  const interruption = new Interruption();
  try {
    if (exampleNames.length > 0) service.warmUp();
    await project.load(api);
    const shipped = loadExamples(cli.examplesDir);
    const outcomes: ExampleOutcome[] = [];
    for (const name of exampleNames) {
      if (interruption.exitCode !== null) break;
      const example = shipped.find((e) => e.file === `${name}.json`);
      // An example without a quick variant is small already (the examples' test holds one over a minute to having one).
      const quick = options.quick && example?.quick ? example.quick : null;
      const spec = quick ?? example?.spec ?? null;
      const outcome: ExampleOutcome = { name, variant: quick ? 'quick' : 'full', runs: 0, statuses: {}, seconds: 0, error: null };
      outcomes.push(outcome);
      if (!example) outcome.error = `examples/${name}.json is not shipped (or not a valid example file)`;
      if (!options.json) {
        const estimate = !quick && example?.expectedSeconds ? ` (about ${Math.round(example.expectedSeconds)} s on 2 cores)` : '';
        console.log(`▶ ${name}${quick ? ' --quick' : ''}${estimate}`);
      }
      if (spec) {
        try {
          // The bar where a terminal shows it; the line below says how long the example took.
          const { eachRun, seconds } = await runExperiment(service, spec, !options.json && process.stderr.isTTY, interruption.signal);
          outcome.seconds = seconds;
          for (const r of eachRun()) {
            outcome.runs++;
            outcome.statuses[r.status] = (outcome.statuses[r.status] ?? 0) + 1;
          }
          if (!options.json) {
            console.log(`  ${outcome.runs} runs in ${seconds.toFixed(1)} s (${Object.entries(outcome.statuses).map(([s, n]) => `${n} ${s}`).join(', ')})`);
            if (outcome.statuses.failed) for (const r of eachRun()) if (r.status === 'failed') console.log(`  run ${r.id} failed: ${r.error ?? ''}`);
          }
        } catch (error) {
          outcome.error = error instanceof Error ? error.message : String(error);
        }
      }
      if (outcome.error && !options.json) console.log(`  not run: ${outcome.error}`);
    }

    // Interrupted: the runs are stored as cancelled; no verdicts from half the examples.
    if (interruption.exitCode !== null) return interruption.exitCode;
    const overview = await api.claims.list();
    const statuses = overview.claims.filter((s) => selected.includes(s.claim.id));
    const seconds = (Date.now() - startedMs) / 1000;
    printVerdicts(overview, statuses, outcomes, seconds, options.json);
    if (options.report && reportFormat) {
      const chosenPapers = overview.papers.filter((p) => statuses.some((s) => s.paper === p.paper));
      const source = project.temporary ? `the runs of \`saddle-lab claims${options.quick ? ' --quick' : ''}\`` : `the stored analyses of ${project.path}`;
      const { content } = claimsReport(chosenPapers, statuses, { format: reportFormat, appVersion: cli.appVersion, date: new Date(), source });
      writeFileSync(resolve(options.report), content);
      if (!options.json) console.log(`Report written to ${resolve(options.report)}`);
    }
    const runFailed = outcomes.some((o) => (o.statuses.failed ?? 0) > 0);
    return runFailed || statuses.some((s) => s.verdict === 'fail' || s.verdict === 'not-run') ? 1 : 0;
  } finally {
    await service.close();
    project.removeIfTemporary();
    interruption.dispose();
  }
}

function reportFormatOf(file: string) {
  const parsed = claimsReportFormat.safeParse(extname(file).slice(1).toLowerCase());
  if (!parsed.success) throw new ExpectedError(`--report: ${file} must end in .md, .tex or .csv (the format is taken from it)`);
  return parsed.data;
}

function printVerdicts(overview: ClaimsOverview, statuses: ClaimStatus[], outcomes: ExampleOutcome[], seconds: number, json: boolean): void {
  const perPaper = overview.papers
    .map((paper) => ({ paper, counts: countVerdicts(statuses.filter((s) => s.paper === paper.paper)), total: statuses.filter((s) => s.paper === paper.paper).length }))
    .filter((p) => p.total > 0);
  if (json) {
    for (const s of statuses) {
      const n = claimNumbers(s);
      console.log(JSON.stringify({ type: 'claim', id: s.claim.id, paper: s.paper, where: s.claim.where, verdict: s.verdict, value: n.saddleLab, paperValue: n.paper, expected: n.expected, gap: n.gap, tolerance: n.tolerance, finding: claimFinding(s), evidence: s.evidence }));
    }
    console.log(JSON.stringify({ type: 'summary', papers: Object.fromEntries(perPaper.map((p) => [p.paper.paper, p.counts])), total: countVerdicts(statuses), examples: outcomes, seconds }));
    return;
  }
  console.log('');
  for (const s of statuses) console.log(claimLine(s));
  console.log('');
  for (const { paper, counts } of perPaper) console.log(`${paper.paper} ${paper.title}: ${describeCounts(counts)}`);
  console.log(`${statuses.length} claims, ${outcomes.length} examples in ${seconds.toFixed(1)} s: ${describeCounts(countVerdicts(statuses))}`);
}
