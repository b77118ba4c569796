// A caption draft for an exported figure: what was run (the parameters that differ between the
// runs, and the shared ones), and where it came from (app version, project file), so a figure in a
// paper can be traced back to its data.
import { formatValue } from '../logic/format';
import { compareValues, stableStringify, varyingKeys } from '../logic/params';

export interface CaptionRun {
  runId: number;
  params: Readonly<Record<string, unknown>>;
  seed: number;
}

export interface CaptionComparison {
  experiment: string;
  family: string;
  runIds: readonly number[];
}

export interface CaptionInput {
  title: string;
  experiment: string;
  family: string;
  runs: readonly CaptionRun[];
  /** Runs of other experiments drawn beside these. */
  compared?: readonly CaptionComparison[];
  appVersion: string;
  projectPath: string;
}

function distinctValues(runs: readonly CaptionRun[], key: string): string {
  const byText = new Map<string, unknown>();
  for (const run of runs) byText.set(stableStringify(run.params[key]), run.params[key]);
  return [...byText.values()].sort(compareValues).map(formatValue).join(', ');
}

function seedsText(runs: readonly CaptionRun[]): string {
  const seeds = [...new Set(runs.map((run) => run.seed))].sort((a, b) => a - b);
  return seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds.join(', ')}`;
}

export function captionDraft(input: CaptionInput): string {
  const { runs } = input;
  const varying = varyingKeys(runs.map((run) => run.params));
  const shared = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].filter((key) => !varying.includes(key)).sort();
  const lines = [`${input.title} (experiment "${input.experiment}", family ${input.family}).`];
  lines.push(`${runs.length} run${runs.length === 1 ? '' : 's'} (ids ${runs.map((run) => run.runId).join(', ')}; ${seedsText(runs)}).`);
  if (varying.length > 0) lines.push(`Differing parameters: ${varying.map((key) => `${key} ∈ {${distinctValues(runs, key)}}`).join('; ')}.`);
  if (shared.length > 0 && runs.length > 0) lines.push(`Shared parameters: ${shared.map((key) => `${key}=${formatValue(runs[0].params[key])}`).join(', ')}.`);
  for (const other of input.compared ?? []) {
    lines.push(`Compared with experiment "${other.experiment}" (family ${other.family}): run${other.runIds.length === 1 ? '' : 's'} ${other.runIds.join(', ')}.`);
  }
  lines.push(`Made with Saddle Lab ${input.appVersion} from ${input.projectPath}.`);
  return lines.join('\n');
}
