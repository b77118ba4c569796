// The balanced and λ-balanced inits against their defining equations: at λ = 0 every layer of a mode
// with product a carries exactly a^{1/L}; for λ ≠ 0 the layer values solve ∏_l (x + (l − 1)λ) = a².
import { describe, expect, it } from 'vitest';
import { lambdaLayerValues } from '../../workers/families/dln-train/balanced-init';
import { Backprop, initialLayers } from '../../workers/families/dln-train/network';
import { dlnTrainParams, layerWidths } from '../../workers/families/dln-train/params';
import { buildTask } from '../../workers/families/dln-train/task';
import { zeros } from '../../workers/numeric/matrix';
import { singularValues } from '../../workers/numeric/svd';
import { createRng } from '../../workers/numeric/rng';

const DEPTHS = [2, 3, 4, 5, 6, 7, 8];
const SCALES = Array.from({ length: 30 }, (_, i) => 0.05 + (i * (1.5 - 0.05)) / 29);
const TARGETS = [3, 1];

describe('balanced init (λ = 0) over depth 2–8 × 30 scales ε in [0.05, 1.5]', () => {
  it.each([
    ['aligned', {}],
    ['lambda-balanced, λ = 0', { lambda: 0 }],
  ])('%s: finite initial loss and every layer singular value equal to ε = a^{1/L} (relative 1e-14)', (init, extra) => {
    const failures: string[] = [];
    for (const depth of DEPTHS) {
      for (const initScale of SCALES) {
        const p = dlnTrainParams.parse({ depth, targetSingularValues: TARGETS, initScale, init: init.startsWith('aligned') ? 'aligned' : 'lambda-balanced', ...extra });
        const rng = createRng(1);
        const task = buildTask(p, rng);
        const layers = initialLayers(p, task, rng);
        const weff = new Backprop(layerWidths(p)).product(layers);
        const loss = task.lossAndGradient(weff, zeros(weff.rows, weff.cols));
        // Each layer carries ε on both target modes (a(0) = ε^L per mode).
        const worst = Math.max(...layers.flatMap((w) => Array.from(singularValues(w)).slice(0, TARGETS.length).map((v) => Math.abs(v - initScale) / initScale)));
        if (!Number.isFinite(loss) || !(worst <= 1e-14)) failures.push(`L = ${depth}, ε = ${initScale}: loss ${loss}, layer error ${worst}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('λ-balanced layer values (λ ≠ 0) solve ∏_l (x + (l − 1)λ) = a²', () => {
  it.each([
    [0.5, 3], [0.5, 5], [-0.5, 4], [1e-3, 6], [-1e-3, 3], [2, 8], [1e-9, 5], [1e-20, 7], [0.2, 2],
  ])('λ = %f, L = %i: product relative 1e-13 and consecutive squares λ apart', (lambda, depth) => {
    for (const a of [1e-6, 0.01, 0.3, 1, 7.5]) {
      const v = lambdaLayerValues(a, lambda, depth);
      expect(v.every(Number.isFinite)).toBe(true);
      const product = v.reduce((x, y) => x * y, 1);
      expect(Math.abs(product - a) / a).toBeLessThan(1e-13);
      for (let l = 1; l < depth; l++) expect(Math.abs(v[l] ** 2 - v[l - 1] ** 2 - lambda)).toBeLessThan(1e-13 * Math.max(1, v[l] ** 2));
    }
  });
});

