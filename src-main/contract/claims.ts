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
});
export type ClaimStatus = z.infer<typeof claimStatus>;
