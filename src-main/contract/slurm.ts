// Sending a sweep to a Slurm cluster: the sbatch options a user may set, and what the project
// records of each job. The CLI's flags map one to one onto `slurmOptions` (see cli/cluster-commands.ts).
import { z } from 'zod';

/** Slurm's --time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const slurmTimePattern = /^(\d+(:[0-5]\d){0,2}|\d+-\d{1,2}(:[0-5]\d){0,2})$/;
const slurmName = /^[A-Za-z0-9_.,+-]{1,200}$/;

export const slurmOptions = z
  .object({
    partition: z.string().regex(slurmName, 'must be a partition name (letters, digits, _ . , + -)').optional(),
    time: z.string().regex(slurmTimePattern, 'must be a Slurm time limit such as 01:30:00, 90 or 2-00:00:00').optional(),
    cpusPerTask: z.number().int().min(1).max(1024).default(1).describe('CPUs per array task; also the task\'s thread pool size.'),
    mem: z.string().regex(/^\d+[KMGT]?$/, 'must be a size such as 4G or 500M').optional(),
    /** Most array tasks running at once (sbatch --array=…%K). */
    arrayMax: z.number().int().min(1).max(100_000).optional(),
    /** Runs each array task does, one after another (in parallel up to cpusPerTask). */
    runsPerTask: z.number().int().min(1).max(100_000).default(1),
    /** Passed to sbatch as they are, e.g. --account=abc or --qos=short. */
    sbatchArgs: z.array(z.string().regex(/^--?[A-Za-z][^\n\r]*$/, 'must be an sbatch option starting with - (one line)').max(500)).max(50).default([]),
  })
  .strict();
export type SlurmOptions = z.output<typeof slurmOptions>;
export type SlurmOptionsInput = z.input<typeof slurmOptions>;

export const slurmRunInfo = z.object({
  runId: z.number().int(),
  taskIndex: z.number().int(),
  taskState: z.string(),
  taskReason: z.string().nullable(),
});

export const slurmJobInfo = z.object({
  jobId: z.string(),
  experimentId: z.number().int(),
  folder: z.string(),
  taskCount: z.number().int(),
  state: z.string(),
  /** Whether Slurm may still run some of its tasks (the app keeps collecting while it does). */
  live: z.boolean(),
  submittedAtMs: z.number(),
  endedAtMs: z.number().nullable(),
  runs: z.array(slurmRunInfo),
});
export type SlurmJobInfo = z.infer<typeof slurmJobInfo>;

export const slurmAvailability = z.object({ available: z.boolean(), reason: z.string().nullable() });
export type SlurmAvailability = z.infer<typeof slurmAvailability>;
