// Family `dln-train`: real deep linear networks W_L ⋯ W₁ trained by gradient flow, GD or SGD on a
// target matrix, a regression data set or a matrix-completion task (paper 001), with the mode-flow
// solution, the logistic and λ-balanced closed forms and the minimum-nuclear-norm completion drawn
// or reported next to the data.
import { defineFamily } from '../../family';
import { completionDepth, escapePrediction, plateauTable, richToLazy } from './analysis';
import { channelReduction } from './channel-reduction';
import { balanceLaw, initDefect } from './conservation-analyses';
import { bottleneckLoss, saddleIndex } from './landscape-analyses';
import { depthTimescale, modeLaw, saxeTimes, timescaleRatio, transitionWidth } from './mode-law-analyses';
import { dlnTrainParams } from './params';
import { runDlnTrain } from './run';
import { theoryOverlays } from './theory';

const PAPER_000 = '000_0565a124a1704f1a.txt';
const PAPER_001 = '001_2cc5679abbe45da9.txt';

export const family = defineFamily({
  id: 'dln-train',
  title: 'Deep linear network training',
  summary:
    'Trains W_L ⋯ W₁ layer by layer (gradient flow to a tolerance, GD, SGD) on a target matrix, a regression data set or ' +
    'matrix completion; records the staircase of W_eff’s singular values, layer spectra, balance defects, alignment, ' +
    'effective rank and nuclear / Schatten-2/L norms; detects plateaus; overlays the mode-flow, logistic and λ-balanced solutions.',
  references: [
    { label: 'Deep linear networks as a solvable model', paper: PAPER_001, section: '§3–9' },
    { label: 'Rawal, a mirror-descent view of saddle-to-saddle dynamics (mode flow)', paper: PAPER_000, section: '§2–4' },
  ],
  formulas: [
    { label: 'Layer gradient flow', tex: '\\dot W_\\ell = W_{L:\\ell+1}^\\top\\,(T - W_\\mathrm{eff})\\,W_{\\ell-1:1}^\\top', ref: 'paper 001 §3.2' },
    {
      label: 'Balance conservation',
      tex: '\\frac{d}{dt}\\left(W_{\\ell+1}^\\top W_{\\ell+1} - W_\\ell W_\\ell^\\top\\right) = 0',
      ref: 'paper 001 §4.1 (index over adjacent pairs, README)',
    },
    { label: 'Aligned balanced mode', tex: '\\dot a_\\alpha = L\\,a_\\alpha^{2-2/L}(s_\\alpha - a_\\alpha)', ref: 'paper 001 §5.3' },
    { label: 'Logistic solution (L = 2)', tex: 'a_\\alpha(t) = \\frac{s_\\alpha}{1 + (s_\\alpha/a_\\alpha(0) - 1)e^{-2s_\\alpha t}},\\quad t^*_\\alpha \\approx \\frac{1}{2s_\\alpha}\\log\\frac{s_\\alpha}{a_\\alpha(0)}', ref: 'paper 001 §5.3, §7.2' },
    { label: 'λ-balanced two-layer mode', tex: '\\dot a = \\sqrt{\\lambda^2 + 4a^2}\\,(s - a)', ref: 'papers/README.md (corrects paper 001 §9)' },
    {
      label: 'λ-balanced two-layer network, any alignment',
      tex: 'QQ^\\top(t) = e^{Ft}Q_0\\left[I + \\tfrac12 Q_0^\\top F^{-1}(e^{2Ft} - I)Q_0\\right]^{-1}Q_0^\\top e^{Ft},\\quad Q = \\begin{bmatrix}W_1^\\top \\\\ W_2\\end{bmatrix},\\ F = \\begin{bmatrix}-\\tfrac\\lambda2 I & T^\\top \\\\ T & \\tfrac\\lambda2 I\\end{bmatrix}',
      ref: 'papers/README.md (Dominé et al.); W₂W₁ is the lower-left block',
    },
    {
      label: 'Deep λ-balanced mode',
      tex: 'a_\\ell^2 = x + (\\ell - 1)\\lambda,\\quad a = \\textstyle\\prod_\\ell a_\\ell,\\quad \\dot x = 2a(s - a)',
      ref: 'papers/README.md, deep λ-balanced mode',
    },
    {
      label: 'Escape from small random init (L = 2): the init’s linearization, then the logistic',
      tex: 't_\\alpha = \\frac{1}{2s_\\alpha}\\log\\left(\\frac{s_\\alpha}{a_\\alpha} - 1\\right),\\quad a_\\alpha = \\tfrac12\\|z_\\alpha^\\perp\\|^2,\\ z_\\alpha = \\tfrac{1}{\\sqrt2}(W_1 v_\\alpha + W_2^\\top u_\\alpha)',
      ref: 'derived here (theory.ts); within 2 % of the runs',
    },
    { label: 'Paper 001 §7.2 claim, contradicted by the runs: gap timescale', tex: '\\tau_r \\sim \\frac{\\log(1/\\varepsilon)}{s_r - s_{r+1}}', ref: 'paper 001 §7.2 (claim 001-16)' },
    { label: 'Implicit bias', tex: '\\|W\\|_* = \\textstyle\\sum_\\alpha \\sigma_\\alpha \\ (L = 2),\\qquad \\sum_\\alpha \\sigma_\\alpha^{2/L}\\ (\\text{depth } L)', ref: 'paper 001 §8' },
  ],
  params: dlnTrainParams,
  metrics: [
    { name: 'loss', label: 'loss ℓ', x: 't' },
    { name: 'sigma/', label: 'σ_α(W_eff), descending (0-based)', x: 't' },
    { name: 'layerSigma/', label: 'singular values of layer l: layerSigma/l/i (widths ≤ 32)', x: 't' },
    { name: 'balance/', label: '‖W_{l+1}ᵀW_{l+1} − W_lW_lᵀ − λI‖_F, pair l', x: 't' },
    { name: 'balanceDrift', label: 'max_l ‖D_l(t) − D_l(0)‖_F', x: 't' },
    { name: 'alignment/', label: '(u_α·u*_α)(v_α·v*_α) with the reference SVD', x: 't' },
    { name: 'effectiveRank', label: 'effective rank exp H(σ/Σσ)', x: 't' },
    { name: 'nuclearNorm', label: '‖W_eff‖_* = Σσ_α', x: 't' },
    { name: 'schatten', label: 'Σσ_α^{2/L} (Schatten-2/L quasi-norm to the 2/L)', x: 't' },
    { name: 'testLoss', label: 'held-out loss (regression: (1/2n)‖Y − X W_effᵀ‖², sensing: fresh measurements; heldOut)', x: 't' },
    { name: 'recoveryError', label: '‖W_eff − T‖_F / ‖T‖_F (completion, sensing)', x: 't' },
    { name: 'escape', label: 'mode escapes: σ_α = s_α/2', x: 't', style: 'points' },
    { name: 'escapeLoss', label: 'mode escapes on the loss curve', x: 't', style: 'points' },
    { name: 'plateau', label: 'detected plateaus (midpoint, loss)', x: 't', style: 'points' },
    { name: 'weightDistance', label: '‖θ(t) − θ(0)‖_F / ‖θ(0)‖_F', x: 't' },
    { name: 'kernelDistance', label: 'tangent-kernel distance 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖) (widths ≤ 256)', x: 't' },
    { name: 'hessianTop/', label: 'i-th largest eigenvalue of the loss Hessian (Lanczos), 0-based', x: 't' },
    { name: 'hessianTrace', label: 'Hessian trace (Hutchinson estimate)', x: 't' },
    { name: 'checkpoint/', label: 'checkpoint/k/l: entries of W_l at the k-th checkpoint time, row-major', x: 'entry index' },
  ],
  charts: [
    { id: 'sigma', title: 'Singular values of W_eff (the staircase)', x: { label: 't', log: false }, y: { label: 'σ_α', log: false }, series: ['sigma/', 'escape'], theory: ['theoryFlow', 'logistic', 'targets', 'saxeTimes', 'escapePrediction', 'gapTimes'] },
    { id: 'sigmaMap', title: 'Spectrum of W_eff over time (heatmap)', kind: 'heatmap', x: { label: 't', log: false }, y: { label: 'mode α', log: false }, series: ['sigma/'], theory: [] },
    { id: 'loss', title: 'Loss with plateaus and escapes', x: { label: 't', log: false }, y: { label: 'ℓ', log: true }, series: ['loss', 'testLoss', 'plateau', 'escapeLoss'], theory: ['saddleLosses'] },
    { id: 'layers', title: 'Singular values of every layer', x: { label: 't', log: false }, y: { label: 'σ(W_l)', log: false }, series: ['layerSigma/'], theory: [] },
    { id: 'balance', title: 'Balance defects and their drift', x: { label: 't', log: false }, y: { label: '‖·‖_F', log: true }, series: ['balance/', 'balanceDrift'], theory: [] },
    { id: 'alignment', title: 'Alignment with the reference singular vectors', x: { label: 't', log: false }, y: { label: 'alignment', log: false }, series: ['alignment/'], theory: [] },
    { id: 'norms', title: 'Nuclear norm, Schatten-2/L and effective rank', x: { label: 't', log: false }, y: { label: 'value', log: false }, series: ['nuclearNorm', 'schatten', 'effectiveRank'], theory: [] },
    { id: 'movement', title: 'Distance from the init: weights and tangent kernel', x: { label: 't', log: false }, y: { label: 'distance', log: false }, series: ['weightDistance', 'kernelDistance'], theory: [] },
    { id: 'hessian', title: 'Hessian: top eigenvalues and trace', x: { label: 't', log: false }, y: { label: 'curvature', log: true }, series: ['hessianTop/', 'hessianTrace'], theory: ['stabilityThreshold'] },
    { id: 'checkpoints', title: 'Exported weights at the checkpoints', x: { label: 'entry (row-major)', log: false }, y: { label: 'W_l[i][j]', log: false }, series: ['checkpoint/'], theory: [] },
    { id: 'recovery', title: 'Completion and sensing: recovery error', x: { label: 't', log: false }, y: { label: 'relative error', log: true }, series: ['recoveryError'], theory: [] },
  ],
  run: runDlnTrain,
  theory: theoryOverlays,
  analyses: [
    plateauTable,
    richToLazy,
    escapePrediction,
    completionDepth,
    bottleneckLoss,
    saddleIndex,
    balanceLaw,
    initDefect,
    modeLaw,
    saxeTimes,
    timescaleRatio,
    transitionWidth,
    depthTimescale,
    channelReduction,
  ],
});
