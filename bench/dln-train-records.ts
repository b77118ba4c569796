// dln-train's recorded metrics as a share of a short run: a GD run as the family takes it (d × d layers,
// L = 3, η = 0.01, small random init on a target with random singular vectors, so W_eff is dense; the
// default record plan: 74 records in 400 steps at d = 256) against the same number of bare GD steps on
// the CPU backend, alternated in pairs, CPU time. The share is 1 − steps / run: the records (W_eff's
// spectrum, balance, kernel distance), the escape checks and the summary, everything a run adds to its steps.
// Its numpy peer (bench/python/numpy_peers.py dln-train-records) times the same metrics per record and GD steps
// of the same size, and its share is what the records would be of a numpy run at the same record density.
import { family } from '../workers/families/dln-train';
import { median, type BenchFigure } from './figures';
import { familySteps } from './dln-train';
import { PEER_MISSING, runNumpyPeer } from './python-peer';
import { quietContext } from './run-context';

const DEPTH = 3;
const ETA = 0.01;

async function cpuSeconds(work: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The records' share of a numpy run at the same density: records × (its seconds per record) over the whole. */
function numpyRecordShare(root: string, d: number, steps: number, records: number): string {
  const peer = runNumpyPeer(root, 'dln-train-records', Math.min(steps, 50), [d, DEPTH, Math.min(records, 20)]);
  if (!peer?.secondsPerRecord) return PEER_MISSING;
  const recording = records * peer.secondsPerRecord;
  return `numpy ${peer.numpy}: the same records ${(100 * (recording / (recording + steps * peer.secondsPerStep))).toFixed(0)} % of its run (${(1e3 * peer.secondsPerRecord).toPrecision(3)} ms per record, no singular vectors)`;
}

export async function recordShare(root: string, d: number, steps: number, pairs: number): Promise<BenchFigure> {
  const params = family.params.parse({
    dim: d,
    depth: DEPTH,
    optimizer: 'gd',
    device: 'cpu',
    learningRate: ETA,
    horizon: ETA * steps,
    init: 'small-random',
    singularVectors: 'random',
  });
  // A short run and a few bare steps first, so no timed side pays for compiling the code both use.
  await family.run({ ...params, horizon: ETA * 20 }, quietContext());
  familySteps(d, DEPTH, ETA)(20);
  let records = 0;
  const shares: number[] = [], runs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const run = await cpuSeconds(async () => (records = (await family.run(params, quietContext())).records as number));
    const bare = familySteps(d, DEPTH, ETA);
    const stepsOnly = await cpuSeconds(() => bare(steps));
    shares.push(1 - stepsOnly / run);
    runs.push(run);
  }
  return {
    name: `share of a GD run beyond its steps, d = ${d}, ${steps} steps, ${records} records`,
    value: 100 * median(shares),
    unit: '%',
    baseline: `median of ${pairs} pairs; run ${median(runs).toPrecision(3)} s CPU; ${numpyRecordShare(root, d, steps, records)}`,
  };
}

export async function benchDlnTrainRecords(root: string): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const [d, steps] of [[128, 400], [256, 400], [512, 100]]) figures.push(await recordShare(root, d, steps, 3));
  return figures;
}
