// The steepest family: deep diagonal networks x = w₁ ⊙ ⋯ ⊙ w_L trained by L_p steepest descent
// (q = 2 GD … q = 1 sign descent), SignGD and Adam/AdamW with coupled or decoupled weight decay
// (paper 003): saddle escape, balance laws, metric exponent, sparsity and L∞ margins.
import type { RunContext, RunSummary } from '../../family';
import { defineFamily } from '../../family';
import { geometryTable, table1, weightDecayGrid } from './analyses';
import { balanceCurveAnalysis } from './balance-analysis';
import { escapeAnalysis } from './escape-analysis';
import { adamSignAnalysis, saddleSetAnalysis } from './identity-analyses';
import { implicitBiasAnalysis } from './implicit-bias-analysis';
import { marginAnalysis } from './margin-analysis';
import { metricAnalysis } from './metric-analysis';
import { recoveryAnalysis } from './recovery-analysis';
import { scalarFlowAnalysis } from './scalar-analysis';
import { steepestParams, type SteepestParams } from './params';
import { runTraining } from './run';
import { runScalarFlow } from './scalar-flow';
import { theoryOverlays } from './theory';

const PAPER_003 = '003_3d49805be365e5e4.txt';

function runSteepest(p: SteepestParams, ctx: RunContext): RunSummary {
  return p.task === 'scalar-flow' ? runScalarFlow(p, ctx) : runTraining(p, ctx);
}

export const family = defineFamily({
  id: 'steepest',
  title: 'Steepest descent on deep diagonal networks',
  summary:
    'Deep diagonal reparameterization x = w₁ ⊙ ⋯ ⊙ w_L trained by L_p steepest descent (GD at q = 2, sign descent at q = 1), SignGD and Adam/AdamW ' +
    'from next to a saddle: sign-like updates escape where GD sits, balance laws |wᵢ|^q − |wⱼ|^q with weight decay, the metric exponent and sparse recovery.',
  references: [
    { label: 'Never saddle for reparameterized steepest descent as mirror flow', paper: PAPER_003, section: '§4–5, App. A, F, I' },
  ],
  formulas: [
    {
      label: 'Losses (stated normalization)',
      tex: 'f_{\\mathrm{reg}}(x) = \\frac{1}{2k}\\lVert Zx - y\\rVert_2^2,\\qquad f_{\\mathrm{cls}}(x) = \\frac1k\\sum_{j=1}^k e^{-y_j\\langle z_j, x\\rangle},\\qquad x = w_1\\odot\\cdots\\odot w_L',
      ref: 'paper 003 §5, App. I and F (the MSE normalization is not stated there)',
    },
    {
      label: 'Steepest update with weight decay (5)',
      tex: 'w_i \\leftarrow w_i - \\eta\\,\\mathrm{sign}(g_i)\\odot|g_i|^{q-1} - \\eta\\alpha_2 w_i,\\quad g_i = \\nabla_{w_i} f + \\alpha_1 w_i,\\quad \\tfrac1p + \\tfrac1q = 1',
      ref: 'paper 003 eq. (3), (5), Algorithms 1–2',
    },
    {
      label: 'Balance law (Lemma 4.5)',
      tex: '|w_{i,t}|^q - |w_{j,t}|^q = (|w_{i,0}|^q - |w_{j,0}|^q)\\,\\exp\\Big(-q\\int_0^t \\alpha_s\\,ds\\Big)',
      ref: 'paper 003 Lemma 4.5, eq. (6) (decoupled decay α)',
    },
    {
      label: 'Metric exponent and coercivity',
      tex: 'm = q\\,\\frac{L-1}{L},\\qquad \\mu = \\lambda^{L-1}\\ (\\lambda\\text{-}L_p\\text{-balanced}),\\qquad \\mu = \\lambda^{q(L-1)}\\ (w_1 = 0,\\ w_i = \\lambda)',
      ref: 'paper 003 Def. 4.12, Cor. 4.9, Cor. 4.10',
    },
    {
      label: 'Bregman function R_{L_p,L} (λ = 0)',
      tex:
        'R_{L_p,L}(x) = \\frac{1}{L-(L-1)q}\\sum_j\\Big(\\frac{|x_j|^{2-m}}{2-m} - x_j x_{j,0}|x_{j,0}|^{-m}\\Big)\\ (m \\ne 1),\\quad ' +
        '\\frac1L\\sum_j (x_j\\log x_j - x_j - x_j\\log x_{j,0})\\ (m = 1);\\ ' +
        '\\text{Bregman on } \\mathbb{R}^n \\text{ iff } m < 1,\\ \\text{on the orthant iff } m = 1',
      ref: 'paper 003 Lemma 4.13, Cor. 4.14 (q/L − q + 2 = 2 − m)',
    },
    {
      label: 'On-manifold regularizer of decoupled decay (Thm 4.16)',
      tex: 'M_{\\mathrm{reg}}(x) = \\frac{L}{L(2-q)+q}\\sum_i |x_i|^{2-m}\\ (m \\ne 2),\\qquad \\sum_i \\log|x_i|\\ (m = 2)',
      ref: 'paper 003 Thm 4.16, Example 4.17',
    },
    {
      label: 'Table 1: (L = 2, L = ∞)',
      tex:
        '\\begin{array}{lcc} & \\text{coupled} & \\text{decoupled} \\\\ q = 1 & (L_1, \\log) & (L_{3/2}, L_1) \\\\ ' +
        'q = 1.5 & (L_1, \\log) & (L_{5/4}, L_{1/2}) \\\\ q = 2 & (L_1, \\log) & (L_1, \\log) \\end{array}',
      ref: 'paper 003 Table 1',
    },
    {
      label: 'Scalar flow of Fig. 2(b)',
      tex: '\\dot x = x^m:\\quad x(t) = x_0 e^{t}\\ (m = 1),\\quad x^{1-m} = x_0^{1-m} + (1-m)t,\\quad t^* = \\frac{x_0^{1-m}}{m-1}\\ (m > 1)',
      ref: 'paper 003 Fig. 2(b), x₀ = 0.1',
    },
    {
      label: 'Normalized L∞ margin',
      tex: '\\gamma(x) = \\min_j \\frac{y_j\\langle z_j, x\\rangle}{\\lVert x\\rVert_\\infty}',
      ref: 'paper 003 App. F, Thm F.1, Fig. 6',
    },
  ],
  params: steepestParams,
  metrics: [
    { name: 'loss', label: 'loss f(x) (0 where the exponential loss underflows: see logLoss)', x: 'step' },
    { name: 'logLoss', label: 'log f(x), classification: finite where f underflows to 0', x: 'step' },
    { name: 'distance', label: '‖x − x*‖₂ (classification: of L∞-normalized directions)', x: 'step' },
    { name: 'l1Norm', label: '‖x‖₁', x: 'step' },
    { name: 'offSupport', label: '‖x‖₁ off the support of x*', x: 'step' },
    { name: 'x/', label: 'xᵢ, feature i (0-based)', x: 'step' },
    { name: 'support/', label: 'x on the support of x* (j-th non-zero of x*)', x: 'step' },
    { name: 'balance/', label: 'mean over features of |w₁|^q − |wⱼ₊₁|^q', x: 'step' },
    { name: 'balanceRatio/', label: 'B(t)·B(0)/‖B(0)‖², layers 1 and j+1 (Lemma 4.5 predicts exp(−q∫α))', x: 'step' },
    { name: 'margin', label: 'normalized L∞ margin min yⱼ⟨zⱼ, x⟩/‖x‖∞', x: 'step' },
    { name: 'escape', label: 'saddle escape (loss ≤ escapeFraction · initial loss)', x: 'step', style: 'points' },
    { name: 'hessianTop/', label: 'i-th largest eigenvalue of ∇²_w f (Lanczos), 0-based', x: 'step' },
    { name: 'hessianTrace', label: 'trace of ∇²_w f (Hutchinson estimate)', x: 'step' },
    { name: 'xFinal', label: 'final x/‖x‖∞ per feature (Fig. 6)', x: 'feature' },
    { name: 'scalar/', label: 'scalar flow x(t), exponent index i', x: 't' },
  ],
  charts: [
    { id: 'loss', title: 'Loss and saddle escape (Fig. 1)', x: { label: 'step', log: true }, y: { label: 'f(x)', log: true }, series: ['loss', 'escape'] },
    { id: 'logLoss', title: 'Log-loss (classification: f underflows, log f does not)', x: { label: 'step', log: true }, y: { label: 'log f(x)', log: false }, series: ['logLoss'] },
    { id: 'distance', title: 'Distance to the ground truth', x: { label: 'step', log: true }, y: { label: '‖x − x*‖₂', log: true }, series: ['distance'] },
    { id: 'xHeatmap', title: 'x over time (features × steps)', kind: 'heatmap', x: { label: 'step', log: false }, y: { label: 'feature', log: false }, series: ['x/'] },
    { id: 'support', title: 'Support coordinates of x*', x: { label: 'step', log: true }, y: { label: 'xᵢ', log: false }, series: ['support/'], theory: ['groundTruth'] },
    { id: 'l1', title: 'L₁ norm, total and off the support', x: { label: 'step', log: true }, y: { label: '‖x‖₁', log: false }, series: ['l1Norm', 'offSupport'] },
    { id: 'balance', title: 'Balance residuals |w₁|^q − |wⱼ|^q (Lemma 4.5)', x: { label: 'step', log: false }, y: { label: 'mean residual', log: false }, series: ['balance/'], theory: ['balancePredicted'] },
    { id: 'balanceRatio', title: 'Balance decay against exp(−q∫α)', x: { label: 'step', log: false }, y: { label: 'B(t)/B(0)', log: false }, series: ['balanceRatio/'], theory: ['balanceDecay'] },
    { id: 'margin', title: 'Normalized L∞ margin (classification)', x: { label: 'step', log: true }, y: { label: 'γ', log: false }, series: ['margin'] },
    { id: 'hessian', title: 'Hessian of f in the weights: top eigenvalues and trace', x: { label: 'step', log: true }, y: { label: 'curvature', log: true }, series: ['hessianTop/', 'hessianTrace'], theory: ['stabilityThreshold'] },
    { id: 'direction', title: 'Final x/‖x‖∞ by feature (Fig. 6)', x: { label: 'feature', log: false }, y: { label: 'x/‖x‖∞', log: false }, series: ['xFinal'] },
    { id: 'scalar', title: 'Scalar flow dx/dt = x^m (Fig. 2(b))', x: { label: 't', log: false }, y: { label: 'x', log: true }, series: ['scalar/'], theory: ['scalarClosedForm', 'blowUp'] },
  ],
  run: runSteepest,
  theory: theoryOverlays,
  analyses: [
    geometryTable,
    table1,
    weightDecayGrid,
    metricAnalysis,
    scalarFlowAnalysis,
    escapeAnalysis,
    balanceCurveAnalysis,
    recoveryAnalysis,
    marginAnalysis,
    implicitBiasAnalysis,
    saddleSetAnalysis,
    adamSignAnalysis,
  ],
});
