// The papers' claims as data (`examples/claims/<paper>.json`, one file per paper) and their verdicts.
// A claim is judged by the analysis checks that carry its id (`AnalysisCheck.claim`), computed from
// the stored runs of any experiment in the project: a reopened project shows the same verdicts, and
// a user's own variation of an example is judged wherever its family's analysis applies to it.
import { z } from 'zod';

export const claimId = z.string().regex(/^\d{3}-\d+$/, 'must be a claim id such as "000-5"');

export const claimSpec = z
  .object({
    id: claimId,
    /** Section, figure, table or equation of the paper. */
    where: z.string().min(1),
    /** The claim in one sentence; inline math between $…$ is rendered with KaTeX. */
    statement: z.string().min(1),
    /** What Saddle Lab computes to judge it. */
    quantity: z.string().min(1),
    /** The paper's number or form, where it gives one. */
    paperValue: z.string().nullable().default(null),
    /** The tolerance of the check and why it is that size. */
    tolerance: z.string().min(1),
    /** Examples (`examples/<name>.json`) whose runs decide it; their quick variants where the test suite runs them. */
    examples: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
    /** Why it cannot be reproduced on a desktop (pretrained weights, data sets not shipped, GPU-days); null when it can. */
    notHere: z.string().nullable().default(null),
  })
  .strict()
  .refine((c) => (c.notHere === null) === c.examples.length > 0, {
    message: 'a claim names the examples that decide it, or says why it is not reproducible here (notHere), not both',
  });
export type ClaimSpec = z.output<typeof claimSpec>;

export const paperClaims = z
  .object({
    paper: z.string().regex(/^\d{3}$/),
    title: z.string().min(1),
    authors: z.string().min(1),
    families: z.array(z.string()).min(1),
    claims: z.array(claimSpec).min(1),
  })
  .strict();
export type PaperClaims = z.output<typeof paperClaims>;

export const claimVerdict = z.enum(['pass', 'fail', 'paper-wrong', 'not-here', 'not-run']);
export type ClaimVerdict = z.infer<typeof claimVerdict>;

/** One check that bears on a claim, and where it was computed. */
export const claimEvidence = z.object({
  experimentId: z.number().int(),
  experimentName: z.string(),
  analysisId: z.string(),
  analysisTitle: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
  tolerance: z.string(),
  paperValue: z.union([z.number(), z.string()]).nullable(),
  verdict: z.enum(['pass', 'fail', 'paper-wrong']),
});
export type ClaimEvidence = z.infer<typeof claimEvidence>;

export const claimStatus = z.object({
  paper: z.string(),
  claim: claimSpec,
  verdict: claimVerdict,
  evidence: z.array(claimEvidence),
  /** The check whose verdict is the claim's (the latest experiment's among them); null when not run or not here. */
  decisive: claimEvidence.nullable(),
});
export type ClaimStatus = z.infer<typeof claimStatus>;

/** A paper of the catalog, without its claims. */
export const paperInfo = z.object({ paper: z.string(), title: z.string(), authors: z.string(), families: z.array(z.string()) });
export type PaperInfo = z.infer<typeof paperInfo>;

/** A claim's verdict read as numbers (core/claims-report.ts `claimNumbers`), for a page to show as they are. */
export const claimNumbers = z.object({
  /** Saddle Lab's number, from the deciding check. */
  saddleLab: z.number().nullable(),
  /** The paper's number or form: the check's where it names one, else the catalog's. */
  paper: z.string().nullable(),
  /** What the check compared with: the true value (exact computation) where the paper is wrong, else the paper's or closed-form value. */
  expected: z.number().nullable(),
  /** Paper-wrong: how far the paper's number is from the true one ("+4.6 %"); null otherwise. */
  gap: z.string().nullable(),
  /** The deciding check's tolerance, else the catalog's (with its reason). */
  tolerance: z.string(),
});
export type ClaimNumbers = z.infer<typeof claimNumbers>;

/** `claims.list`: the catalog and every claim's verdict, judged from the open project's stored analyses. */
export const claimsOverview = z.object({ papers: z.array(paperInfo), claims: z.array(claimStatus.extend({ numbers: claimNumbers })) });
export type ClaimsOverview = z.infer<typeof claimsOverview>;

export const claimsReportFormat = z.enum(['md', 'tex', 'csv']);
export type ClaimsReportFormat = z.infer<typeof claimsReportFormat>;
