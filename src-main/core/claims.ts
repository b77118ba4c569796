// The claims ledger: the papers' claims (`examples/claims/<paper>.json`) and their verdicts, judged
// from the analysis checks stored in a project. One owner: the service, the CLI and the report all
// read verdicts through `judgeClaims`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues, ExpectedError, issuesFromZod } from './errors';
import { paperClaims, type AnalysisRecord, type ClaimEvidence, type ClaimStatus, type ClaimVerdict, type PaperClaims } from '../contract';

/** Every paper's claims, validated; a broken file is an error that names the file and the field. */
export function loadClaimCatalog(dir: string): PaperClaims[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new ExpectedError(`cannot read the claims catalog ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const files = names.filter((f) => /^\d{3}\.json$/.test(f)).sort();
  const papers = files.map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new ExpectedError(`claims file ${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = paperClaims.safeParse(raw);
    if (!parsed.success) throw new ExpectedError(`claims file ${file}: ${describeIssues(issuesFromZod(parsed.error))}`);
    if (`${parsed.data.paper}.json` !== file) throw new ExpectedError(`claims file ${file}: its paper is "${parsed.data.paper}"`);
    return parsed.data;
  });
  const seen = new Set<string>();
  for (const paper of papers) {
    for (const claim of paper.claims) {
      if (!claim.id.startsWith(`${paper.paper}-`)) throw new ExpectedError(`claims file ${paper.paper}.json: claim ${claim.id} belongs to another paper`);
      if (seen.has(claim.id)) throw new ExpectedError(`claims file ${paper.paper}.json: claim ${claim.id} is listed twice`);
      seen.add(claim.id);
    }
  }
  return papers;
}

export interface ExperimentAnalyses {
  experimentId: number;
  experimentName: string;
  records: AnalysisRecord[];
}

/**
 * Each claim's verdict from the checks that name it: fail if any fails, paper-wrong if Saddle Lab's
 * number is right and the paper's contradicts it, pass if every check passes; not-run without checks.
 * `experiments` in the order they were made (ids ascending).
 */
export function judgeClaims(catalog: PaperClaims[], experiments: ExperimentAnalyses[]): ClaimStatus[] {
  const evidenceByClaim = new Map<string, ClaimEvidence[]>();
  for (const experiment of experiments) {
    for (const { result } of experiment.records) {
      for (const check of result.checks) {
        if (!check.claim) continue;
        const evidence: ClaimEvidence = {
          experimentId: experiment.experimentId,
          experimentName: experiment.experimentName,
          analysisId: result.id,
          analysisTitle: result.title,
          name: check.name,
          value: check.value,
          expected: check.expected,
          tolerance: check.tolerance,
          paperValue: check.paperValue ?? null,
          verdict: !check.pass ? 'fail' : check.paperHolds === false ? 'paper-wrong' : 'pass',
        };
        evidenceByClaim.set(check.claim, [...(evidenceByClaim.get(check.claim) ?? []), evidence]);
      }
    }
  }
  return catalog.flatMap((paper) =>
    paper.claims.map((claim) => {
      const evidence = evidenceByClaim.get(claim.id) ?? [];
      const verdict = verdictOf(claim.notHere, evidence);
      // Experiments come in id order: the last check with the claim's verdict is the latest that decides it.
      const decisive = evidence.findLast((e) => e.verdict === verdict) ?? null;
      return { paper: paper.paper, claim, verdict, evidence, decisive };
    }),
  );
}

function verdictOf(notHere: string | null, evidence: ClaimEvidence[]): ClaimVerdict {
  if (notHere !== null) return 'not-here';
  if (evidence.length === 0) return 'not-run';
  if (evidence.some((e) => e.verdict === 'fail')) return 'fail';
  if (evidence.some((e) => e.verdict === 'paper-wrong')) return 'paper-wrong';
  return 'pass';
}
