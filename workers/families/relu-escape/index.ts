// The relu-escape family: the saddle at the origin of deep bias-free ReLU networks (paper 004):
// escape directions and speeds on the sphere, their low-rank structure (Theorem 3.1), the circle
// counter-example (Example 1), the norm growth of Prop. 2.2, and small-initialization MNIST training.
import { defineFamily, type ChartSpec } from '../../family';
import { depthSpeed } from './depth-speed';
import { escapeFlowChecks } from './escape-flow-checks';
import { initScale } from './init-scale';
import { lowRankBounds } from './low-rank-bounds';
import { plateauDistinctness } from './plateau-distinctness';
import { rankOneCurve } from './rank-one-curve';
import { mnistEscapes } from './mnist-escapes';
import { reluEscapeParams } from './params';
import { runReluEscape } from './run';
import { theoryOverlays } from './theory';
import { widthSuccess } from './width-success';

const PAPER = '004_8a85dacf31588aae.txt';
/** Layers given their own singular-value chart (the paper's depth 6); deeper ones stay in the data. */
const CHARTED_LAYERS = 6;

const singularValueCharts: ChartSpec[] = Array.from({ length: CHARTED_LAYERS }, (_, i) => ({
  id: `sv-layer-${i + 1}`,
  title: `MNIST: top singular values of W_${i + 1} (Fig. 3)`,
  x: { label: 'step', log: false },
  y: { label: 's_i', log: true },
  series: [`sv/${i + 1}/`],
}));

export const family = defineFamily({
  id: 'relu-escape',
  title: 'ReLU escape directions (saddle at the origin)',
  summary:
    'Deep bias-free ReLU networks near the origin: escape directions as minimizers of the localized loss Tr[GᵀY_θ] on the ' +
    'sphere ‖θ‖² = L, their speeds and per-layer low-rank structure, the circle example where a rank-two direction beats ' +
    'every rank-one one, the norm growth along an escape direction, the flow from a small random start (its direction does not depend ' +
    'on the scale; weak balancedness), and small-initialization training on MNIST digits.',
  references: [
    { label: 'Bantzis, Simon, Jacot: saddle-to-saddle dynamics in deep ReLU networks', paper: PAPER, section: '§2–4, App. A, B, D' },
  ],
  formulas: [
    { label: 'Localized loss (1)', tex: '\\mathcal L_0(\\theta) = \\operatorname{Tr}[G^\\top Y_\\theta],\\quad G = \\nabla C(0),\\quad \\mathcal L_0(\\lambda\\theta) = \\lambda^L \\mathcal L_0(\\theta)', ref: 'paper 004 §2, App. A.1' },
    { label: 'Escape direction and speed (Def. 2.1)', tex: '\\rho \\in L^{1/2}\\mathbb S^{P-1},\\quad \\nabla\\mathcal L_0(\\rho) = -s\\rho,\\quad s = -\\mathcal L_0(\\rho)', ref: 'paper 004 §2.2' },
    {
      label: 'Projected gradient descent on the sphere',
      tex: 't = (I - \\theta\\theta^\\top/L)\\nabla\\mathcal L_0(\\theta),\\quad \\theta \\leftarrow \\sqrt{L}\\,\\frac{\\theta - \\eta_k\\sqrt{L}\\,t/\\|t\\|}{\\|\\cdot\\|},\\quad \\eta_k = \\frac{\\eta_0}{1 + k/\\tau}',
      ref: 'paper 004 §4.1 (decaying step: README)',
    },
    {
      label: 'Norm growth on an escape direction (Prop. 2.2)',
      tex: '\\|\\theta(t)\\| = \\big(\\|\\theta_0\\|^{2-L} + (2-L)Ls\\,t\\big)^{\\frac{1}{2-L}}\\ (L \\ne 2),\\quad \\|\\theta_0\\|e^{2st}\\ (L = 2)',
      ref: 'paper 004 Prop. 2.2 / A.2',
    },
    {
      label: 'Direction in q-time (§2.1, Prop. A.1)',
      tex: 'dq = \\|\\theta\\|^{L-2}dt,\\quad \\partial_q\\bar\\theta = -(I - \\bar\\theta\\bar\\theta^\\top)\\nabla\\mathcal L_0(\\bar\\theta),\\quad \\|\\theta(q)\\| = \\alpha\\,C(q)',
      ref: 'paper 004 §2.1',
    },
    {
      label: 'Weak balancedness (§5)',
      tex: '\\tfrac{d}{dt}\\operatorname{diag}\\big(W_{\\ell+1}^\\top W_{\\ell+1} - W_\\ell W_\\ell^\\top\\big) = 0',
      ref: 'paper 004 §5 (3)',
    },
    {
      label: 'Low-rank bias (Theorem 3.1)',
      tex:
        '\\frac{\\sum_{i\\ge2}s_i^2(W_\\ell)}{\\sum_i s_i^2(W_\\ell)},\\ \\frac{\\sum_{i\\ge2}s_i^2(Z^\\sigma_\\ell)}{\\sum_i s_i^2(Z^\\sigma_\\ell)},\\ ' +
        '\\frac{\\|Z^\\sigma_\\ell - Z_\\ell\\|_F^2}{\\|Z_\\ell\\|_F^2} \\le \\frac{8c\\,\\ell^{-1/2}}{1 - c\\,\\ell^{-1/2}},\\quad ' +
        'c = \\frac{\\|X\\|_F\\|G\\|_F}{s^*}\\sqrt{2\\log\\frac{\\|X\\|_F\\|G\\|_F}{s^*}}\\ (\\ell > c^2)',
      ref: 'paper 004 Theorem 3.1',
    },
    { label: 'Speed non-decreasing in depth (Prop. 3.2)', tex: 's^*(L + k) \\ge s^*(L)', ref: 'paper 004 Prop. 3.2' },
    {
      label: 'Circle example (Example 1, N = 8, G_j = (−1)^j)',
      tex: 's_1 = \\max_\\phi s(\\phi) = \\sqrt2 - 1,\\quad s_2 = \\tfrac12\\ (W_3 = -1)',
      ref: 'paper 004 §4, eq. (2), App. D.1 eq. (6); sign fix: papers README',
    },
    { label: 'Norm-adaptive learning rate (App. B)', tex: '\\mathrm{lr}(t) = \\frac{c}{\\|\\theta(t)\\|^k},\\quad c = 10,\\ k = 4', ref: 'paper 004 App. B' },
  ],
  params: reluEscapeParams,
  metrics: [
    { name: 'restartSpeed/', label: 'speed −L₀ of restart r during projected descent', x: 'step' },
    { name: 'finalSpeed', label: 'final speed of each restart', x: 'restart', style: 'points' },
    { name: 'svWeights/', label: 'singular values s_i(W_ℓ) of the best direction, layer ℓ', x: 'i' },
    { name: 'svActivations/', label: 'singular values s_i(Z_ℓ^σ) of the best direction, hidden layer ℓ', x: 'i' },
    { name: 'rankRatioWeights', label: 'Σ_{i≥2}s_i²/Σs_i² of W_ℓ', x: 'layer' },
    { name: 'rankRatioActivations', label: 'Σ_{i≥2}s_i²/Σs_i² of Z_ℓ^σ', x: 'layer' },
    { name: 'nonlinearity', label: '‖Z_ℓ^σ − Z_ℓ‖²/‖Z_ℓ‖²', x: 'layer' },
    { name: 'theoremBound', label: 'Theorem 3.1 bound (1 where vacuous, ℓ ≤ c²)', x: 'layer' },
    { name: 'flow/norm', label: '‖θ(t)‖, gradient flow from the best direction', x: 't' },
    { name: 'flow/closedForm', label: '‖θ(t)‖, Prop. 2.2 closed form', x: 't' },
    { name: 'flowLoss', label: 'loss along the flow (L₀ or C − C(0))', x: 't' },
    { name: 'initFlow/speed', label: 'speed −L₀(√L θ̄) of the direction along the flow from α·θ̂₀', x: 'q' },
    { name: 'initFlow/normOverScale', label: '‖θ‖/α along the flow from α·θ̂₀', x: 'q' },
    { name: 'initFlow/time', label: 't along the flow from α·θ̂₀', x: 'q' },
    { name: 'trainLoss', label: 'MNIST training loss (cross-entropy, mean over the steps of a record)', x: 'step' },
    { name: 'paramNorm', label: '‖θ‖', x: 'step' },
    { name: 'plateauEscapes', label: 'detected escapes from loss plateaus', x: 'step', style: 'points' },
    { name: 'rankRatio/', label: 'Σ_{i≥2}s_i²/Σs_i² of W_ℓ during training, layer ℓ', x: 'step' },
    { name: 'sv/', label: 'singular value i of W_ℓ during training (sv/ℓ/i)', x: 'step' },
  ],
  charts: [
    { id: 'restart-speeds', title: 'Projected descent: speed of every restart (Fig. 2 centre, Fig. 8)', x: { label: 'step', log: true }, y: { label: 's = −L₀', log: false }, series: ['restartSpeed/'], theory: ['rankOneSpeed', 'rankTwoSpeed'] },
    { id: 'final-speeds', title: 'Final speed per restart', x: { label: 'restart', log: false }, y: { label: 's', log: false }, series: ['finalSpeed'], theory: ['rankOneSpeed', 'rankTwoSpeed'] },
    { id: 'rank-ratios', title: 'Low-rank bias of the best direction (Theorem 3.1)', x: { label: 'layer ℓ', log: false }, y: { label: 'ratio', log: false }, series: ['rankRatioWeights', 'rankRatioActivations', 'nonlinearity', 'theoremBound'] },
    { id: 'sv-weights', title: 'Singular values of W_ℓ, best direction', x: { label: 'i', log: false }, y: { label: 's_i(W_ℓ)', log: false }, series: ['svWeights/'] },
    { id: 'sv-activations', title: 'Singular values of Z_ℓ^σ, best direction', x: { label: 'i', log: false }, y: { label: 's_i(Z_ℓ^σ)', log: false }, series: ['svActivations/'] },
    { id: 'norm-flow', title: 'Norm growth on the escape direction (Prop. 2.2)', x: { label: 't', log: false }, y: { label: '‖θ(t)‖', log: true }, series: ['flow/norm', 'flow/closedForm'] },
    { id: 'flow-loss', title: 'Loss along the flow', x: { label: 't', log: false }, y: { label: 'loss', log: false }, series: ['flowLoss'] },
    { id: 'init-flow-speed', title: 'Flow from α·θ̂₀: speed of the direction in q-time (§2.1, independent of α)', x: { label: 'q', log: false }, y: { label: 's', log: false }, series: ['initFlow/speed'] },
    { id: 'init-flow-norm', title: 'Flow from α·θ̂₀: ‖θ‖/α in q-time (§2.1)', x: { label: 'q', log: false }, y: { label: '‖θ‖/α', log: true }, series: ['initFlow/normOverScale'] },
    { id: 'init-flow-time', title: 'Flow from α·θ̂₀: time t against q (t ∝ α^{2−L} at a given q)', x: { label: 'q', log: false }, y: { label: 't', log: false }, series: ['initFlow/time'] },
    { id: 'train-loss', title: 'MNIST: training loss and detected escapes (Fig. 1, left)', x: { label: 'step', log: false }, y: { label: 'cross-entropy', log: false }, series: ['trainLoss', 'plateauEscapes'] },
    { id: 'train-rank', title: 'MNIST: rank ratio per layer (deeper layers turn rank-one first)', x: { label: 'step', log: false }, y: { label: 'Σ_{i≥2}s_i²/Σs_i²', log: false }, series: ['rankRatio/'] },
    { id: 'train-rank-map', kind: 'heatmap', title: 'MNIST: rank ratio, layer × step', x: { label: 'step', log: false }, y: { label: 'layer', log: false }, series: ['rankRatio/'] },
    ...singularValueCharts,
    { id: 'param-norm', title: 'MNIST: parameter norm', x: { label: 'step', log: false }, y: { label: '‖θ‖', log: true }, series: ['paramNorm'] },
  ],
  run: runReluEscape,
  theory: theoryOverlays,
  analyses: [widthSuccess, rankOneCurve, depthSpeed, escapeFlowChecks, lowRankBounds, initScale, mnistEscapes, plateauDistinctness],
});
