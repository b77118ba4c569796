// The helper's media values (python/saddle_lab.py Image and Histogram, docs/logging.md) on their
// own: a histogram of a sequence has numpy.histogram's counts and (to rounding of the range) edges, a single value
// gets the range value ± 0.5 as numpy gives it; every refused input names its field.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { haveNumpy, saddleLabEnv } from '../helpers/python';

function python(code: string): unknown {
  const result = spawnSync('/usr/bin/python3', ['-c', `import json, saddle_lab as wandb\n${code}`], { env: saddleLabEnv(), encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

describe('saddle_lab.Histogram and Image', () => {
  it.runIf(haveNumpy())('a sequence is binned as numpy.histogram bins it', () => {
    const [sameCounts, edgeGap, single] = python(`
import numpy as np
data = np.random.default_rng(3).normal(size=5000)
h = wandb.Histogram(data.tolist(), num_bins=17)
counts, edges = np.histogram(data, bins=17)
by_numpy = wandb.Histogram(data.reshape(50, 100), num_bins=17)
one = wandb.Histogram([2.0, 2.0, 2.0])
print(json.dumps([h.counts == counts.tolist() and by_numpy.counts == h.counts and by_numpy.edges == edges.tolist(), max(abs(a - b) for a, b in zip(h.edges, edges.tolist())) / (data.max() - data.min()), [one.edges[0], one.edges[-1], one.counts[32], sum(one.counts)]]))
`) as [boolean, number, number[]];
    // A list is binned by the helper's own loop, an array by numpy.histogram: the same counts.
    expect(sameCounts).toBe(true);
    // Edges are lo + (hi - lo)·i/n here and numpy's linspace there: they agree to rounding of the range.
    expect(edgeGap).toBeLessThanOrEqual(4 * Number.EPSILON);
    // numpy.histogram([2, 2, 2], bins=64) has edges 1.5 … 2.5 and the three values in bin 32.
    expect(single).toEqual([1.5, 2.5, 3, 3]);
  });

  it('refuses bad input with a message naming the field, without raising where the value is made', () => {
    const errors = python(`
cases = [
    wandb.Histogram([]), wandb.Histogram([1, float("inf")]), wandb.Histogram([1], num_bins=0), wandb.Histogram(),
    wandb.Histogram(np_histogram=([1, 2], [0, 1])), wandb.Histogram(np_histogram=([-1], [0, 1])), wandb.Histogram(np_histogram=([1], [0, float("nan")])),
    wandb.Image("/no/such.png"), wandb.Image(b"GIF89a"), wandb.Image(3),
]
print(json.dumps([case.error for case in cases]))
`);
    expect(errors).toEqual([
      'Histogram: sequence is empty',
      'Histogram: sequence[1] is inf',
      'Histogram: num_bins must be an integer from 1 to 512, got 0',
      'Histogram: give a sequence or np_histogram=(counts, edges)',
      'Histogram: np_histogram edges must be one more than counts (3), got 2',
      'Histogram: np_histogram counts[0] is -1.0; counts are finite and not negative',
      'Histogram: np_histogram edges[1] is nan',
      "Image: data_or_path '/no/such.png' does not exist",
      'Image: data_or_path: the bytes are not a PNG file (only PNG is stored)',
      'Image: data_or_path must be a path, PNG bytes or a numpy array, got int',
    ]);
  });

  it.runIf(haveNumpy())('an array that is not pixels, or not finite values, is refused naming the element or the shape', () => {
    expect(python(`
import numpy as np
print(json.dumps([wandb.Image(np.zeros((2, 2, 2))).error, wandb.Image(np.array([[0.5, float("nan")]])).error, wandb.Image(np.array([["a"]])).error, wandb.Histogram(np.array([1.0, np.inf])).error, wandb.Histogram(np.zeros(0)).error]))
`)).toEqual([
      'Image: data_or_path: an array of shape (2, 2, 2) is not H×W, H×W×3 or H×W×4 pixels',
      'Image: data_or_path[0, 1] is nan',
      'Image: data_or_path: arrays of <U1 are not pixels',
      'Histogram: sequence[1] is inf',
      'Histogram: sequence is empty',
    ]);
  });

  it("an image's file name keeps its key where a file name can, and keys that differ keep apart", () => {
    const names = python(`print(json.dumps([wandb._media_file_name(k, s) for k, s in [("samples", 3), ("a_b", 3), ("a b", 3), ("w/layer 1", 0), ("../x", 1), ("x", 2.5)]]))`);
    const tag = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);
    expect(names).toEqual(['media/samples/3.png', 'media/a_b/3.png', `media/a_b-${tag('a b')}/3.png`, `media/w/layer_1-${tag('w/layer 1')}/0.png`, `media/_/x-${tag('../x')}/1.png`, 'media/x/2.5.png']);
  });
});
