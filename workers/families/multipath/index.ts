// The multipath family: parallel pathways of a deep linear network (paper 002). Gradient flow
// picks a winner; large-step GD at the edge of stability re-balances the pathways toward the
// flatter split, within the window 2/λ_single < η ≤ 2/λ_min and below the worst-case-return ceiling.
import { defineFamily } from '../../family';
import { multipathParams } from './params';
import { mlpAnalysis } from './mlp-analysis';
import { phaseDiagram } from './phase-diagram';
import { theoryOverlays } from './predictions';
import { runMultipath } from './run';
import { sharpnessAnalysis } from './sharpness-analysis';
import { wcrAnalysis } from './wcr-analysis';
import { eosAnalysis } from './eos-analysis';
import { zeroLossAnalysis } from './zero-loss-analysis';

const PAPER_002 = '002_00a9da165048bd48.txt';

export const family = defineFamily({
  id: 'multipath',
  title: 'Multi-pathway deep linear networks (winner-takes-all vs re-balancing)',
  summary:
    'P parallel pathways of depth L_p learning a target per singular mode: gradient flow amplifies tiny asymmetries into a ' +
    'winner-takes-all split with sharpness L s^{2−2/L}; GD with 2/λ_single < η ≤ 2/λ_min overshoots there, oscillates at the edge of ' +
    'stability and drifts toward flatter, balanced splits until the sharpness reaches 2/η. Reduced scalar model (exact recursion and ' +
    'flow), full matrices (square d × d or hidden width h), and a Tanh MLP; GD, heavy ball (stability threshold 2(1+β)/η) or Adam ' +
    '(no threshold: the edge-of-stability theory does not apply); depth-2 pathways can start λ-offset (W₁ᵀW₁ − W₀W₀ᵀ = λ_p I).',
  references: [
    { label: 'GD with large step size restores symmetry in multi-pathway DLNs', paper: PAPER_002, section: '§3–6, App. C, E, F' },
    { label: 'Working forms and closed forms (equations lost in the text copy)', paper: 'README.md', section: 'paper 002' },
  ],
  formulas: [
    { label: 'Reduced model (App. E.2)', tex: 'a_{p,k} = w_{p,k}^{L_p},\\quad r_k = s_k - \\textstyle\\sum_p a_{p,k},\\quad w_{p,k} \\leftarrow w_{p,k} + \\eta\\, r_k\\, w_{p,k}^{L_p-1}', ref: 'paper 002 eq. (54); README' },
    { label: 'Mode sharpness at zero loss (Prop. 4.1 / 5.1)', tex: '\\lambda_k = \\textstyle\\sum_p L_p\\, a_{p,k}^{2-2/L_p}', ref: 'paper 002 eqs. (13), (17)' },
    { label: 'Sharpness reduction (Thm 4.2)', tex: '\\lambda_{\\min} = L\\, s^{2-2/L} P^{2/L-1},\\qquad \\frac{\\lambda_{\\min}}{\\lambda_{\\mathrm{single}}} = P^{(2-L)/L}', ref: 'paper 002 eqs. (15), (16)' },
    { label: 'Heterogeneous depths (18)', tex: '2(L_p - 1)\\, a_p^{(L_p-2)/L_p} = \\mu\\ \\ \\forall p,\\qquad \\textstyle\\sum_p a_p = s', ref: 'paper 002 Prop. 5.1' },
    { label: 'Heavy-ball linear stability (v ← βv + ∇, θ ← θ − ηv)', tex: '\\text{stable} \\iff 0 < \\eta\\lambda < 2(1+\\beta)', ref: 'roots of z² − (1 + β − ηλ)z + β inside the unit circle' },
    { label: 'λ-offset depth-2 flow (conserved W₁ᵀW₁ − W₀W₀ᵀ = λI)', tex: 'a_p(u) = \\tfrac{|\\lambda_p|}{2}\\sinh\\!\\big(\\operatorname{asinh}\\tfrac{2a_p(0)}{|\\lambda_p|} + 2u\\big),\\quad u = \\textstyle\\int r\\,dt', ref: 'integrates ȧ_p = r √(λ_p² + 4a_p²) (theory.ts offsetFlowEndpoint)' },
    { label: 'Stability window and rank (24)', tex: '\\frac{2}{\\lambda_{\\mathrm{single},k}} < \\eta \\le \\frac{2}{\\lambda_{\\min,k}},\\qquad r = \\#\\{k : \\eta > 2/\\lambda_{\\mathrm{single},k}\\}', ref: 'paper 002 §6' },
    { label: 'Deep chain and WCR threshold (§6, App. F)', tex: 'x \\leftarrow f_h(x) = x + h(1 - x^L)x^{L-1},\\quad C_L = L \\sup\\{h : f_h(\\max_{[0,1]} f_h) > 0\\},\\quad \\eta_{\\mathrm{WCR}} = \\frac{C_L}{L s^{2-2/L}},\\quad C_2 = 3\\sqrt3 - 2', ref: 'paper 002 eqs. (19)–(21), (78)–(81)' },
  ],
  params: multipathParams,
  metrics: [
    { name: 'a/', label: 'a/p.k: pathway p, mode k (0-based) value a_{p,k}', x: 'step' },
    { name: 'residual/', label: 'r_k = s_k − Σ_p a_{p,k}', x: 'step' },
    { name: 'flips/', label: 'share of steps since the last sample where r_k changed sign', x: 'step' },
    { name: 'imbalance/', label: 'pathway imbalance ι_k (0: flattest split, 1: winner-takes-all)', x: 'step' },
    { name: 'loss', label: '½‖Σ_p Y_p − T‖² (reduced: Σ_k ½ r_k²)', x: 'step' },
    { name: 'sharpness', label: 'top Hessian eigenvalue (exact on the reduced model, power iteration otherwise)', x: 'step' },
    { name: 'offDiagonal', label: 'off-diagonal mass of Uᵀ Y_p V (full and MLP models)', x: 'step' },
    { name: 'phase/symmetryBreaking', label: 'symmetry breaking: lead mode half learned with ι ≥ 0.5', x: 'step', style: 'points' },
    { name: 'phase/edgeOfStability', label: 'edge of stability: sharpness first above 2/η (GD) or 2(1+β)/η (heavy ball); never for Adam', x: 'step', style: 'points' },
    { name: 'phase/rebalancing', label: 're-balancing: ι 10% below its peak after the edge of stability', x: 'step', style: 'points' },
    { name: 'phase/converged', label: 'converged: every |r_k| ≤ tolerance · s_k', x: 'step', style: 'points' },
    { name: 'phase/signFlip', label: 'sign flip: a pathway that carried ≥ 10% of s_k crossed zero (§6)', x: 'step', style: 'points' },
    { name: 'phase/diverged', label: 'diverged (the loss blew up)', x: 'step', style: 'points' },
  ],
  charts: [
    { id: 'values', title: 'Pathway values a_{p,k} (Figs. 1, 2, 4)', x: { label: 'step', log: false }, y: { label: 'a_{p,k}', log: false }, series: ['a/'], theory: ['targets', 'flowAllocation', 'minAllocation', 'stoppingAllocation'] },
    {
      id: 'sharpness',
      title: 'Sharpness against the stability threshold (2/η, heavy ball 2(1+β)/η), with phases',
      x: { label: 'step', log: false },
      y: { label: 'λ_max', log: false },
      series: ['sharpness', 'phase/symmetryBreaking', 'phase/edgeOfStability', 'phase/rebalancing', 'phase/converged', 'phase/signFlip', 'phase/diverged'],
      theory: ['stability', 'singleSharpness', 'minSharpness'],
    },
    { id: 'loss', title: 'Loss', x: { label: 'step', log: false }, y: { label: 'loss', log: true }, series: ['loss'], theory: [] },
    { id: 'imbalance', title: 'Pathway imbalance ι_k', x: { label: 'step', log: false }, y: { label: 'ι', log: false }, series: ['imbalance/'], theory: [] },
    { id: 'residual', title: 'Residuals r_k and sign-flip rate', x: { label: 'step', log: false }, y: { label: 'r_k', log: false }, series: ['residual/', 'flips/'], theory: [] },
    { id: 'offDiagonal', title: 'Distance from the SVS set (full and MLP models)', x: { label: 'step', log: false }, y: { label: 'off-diagonal mass', log: true }, series: ['offDiagonal'], theory: [] },
  ],
  run: runMultipath,
  theory: theoryOverlays,
  analyses: [sharpnessAnalysis, phaseDiagram, wcrAnalysis, mlpAnalysis, zeroLossAnalysis, eosAnalysis],
});
