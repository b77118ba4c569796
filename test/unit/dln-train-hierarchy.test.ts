// The shipped hierarchical example (examples/dln-train-hierarchy.json, Saxe et al. 2019): its target's
// SVD is the closed form √15, √7, √3 (×2), 1 (×4) of a three-level binary tree (TᵀT = J₈ + 2·J₄ blocks
// + …, eigenvalues 8+4+2+1, 4+2+1, 2+1, 1), and the run's plateaus sit at ½Σ_{α>r} s_α² with the
// ranks 0, 1, 2, 4 the multiplicities give.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { plateauTable } from '../../workers/families/dln-train/analysis';
import { dlnTrainParams, layerWidths, sortedTargets } from '../../workers/families/dln-train/params';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

const example = JSON.parse(readFileSync(join(examplesDir, 'dln-train-hierarchy.json'), 'utf8')) as { params: Record<string, unknown> };
const params = dlnTrainParams.parse(example.params);

describe('hierarchical 15 × 8 target (examples/dln-train-hierarchy.json)', () => {
  it('sets the widths from the matrix and has the tree spectrum √15, √7, √3, √3, 1, 1, 1, 1', () => {
    expect(layerWidths(params)).toEqual([8, 8, 15]);
    const expected = [15, 7, 3, 3, 1, 1, 1, 1].map(Math.sqrt);
    sortedTargets(params).forEach((s, i) => expect(s).toBeCloseTo(expected[i], 13));
  });

  it('learns coarse to fine: plateaus of rank 0, 1, 2, 4 at the saddle losses 16, 8.5, 5, 2 (within 1%)', async () => {
    const summary = await family.run(params, fakeRunContext());
    expect(summary.finalLoss as number).toBeLessThan(1e-9);
    const table = plateauTable.run([{ runId: 1, params: example.params, seed: 0, status: 'done', summary }]);
    const plateaus = table.rows.filter((r) => (r.rank as number) < 8);
    expect(plateaus.map((r) => r.rank)).toEqual([0, 1, 2, 4]);
    // Closed form ½Σ_{α>r} s_α² of the SVD above; the table's saddle column is computed from the same SVD.
    const levels = [16, 8.5, 5, 2];
    plateaus.forEach((r, i) => {
      expect(r.saddle as number).toBeCloseTo(levels[i], 12);
      expect(Math.abs((r.loss as number) / levels[i] - 1)).toBeLessThan(0.01);
    });
  });
});
