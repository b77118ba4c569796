// The mode-flow family: the decoupled singular-value channels of a balanced, task-aligned deep
// linear network (paper 000 eq. (2); paper 001 §5), in σ and in the barrier coordinate.
import { defineFamily } from '../../family';
import { channelGeometry } from './channel-geometry';
import { escapeTimeScaling } from './escape-time-scaling';
import { implicitBias } from './implicit-bias';
import { modeFlowParams } from './params';
import { runModeFlow } from './run';
import { theoryOverlays } from './theory';

/** t up to ε^{-(L-2)}: a sweep over ε or L spans decades, so its curves start on a log t axis. */
const longHorizonTime = { label: 't', log: false, logWhenSwept: ['initScale', 'depth'] };

const PAPER_000 = '000_0565a124a1704f1a.txt';
const PAPER_001 = '001_2cc5679abbe45da9.txt';

export const family = defineFamily({
  id: 'mode-flow',
  title: 'Mode flow (deep linear network channels)',
  summary:
    'Gradient flow of each target singular value of a balanced, task-aligned depth-L linear network: the ' +
    'saddle-to-saddle staircase in σ, straight dead-zone lines in the barrier coordinate β_L, Bregman dissipation, ' +
    'and escape times against the closed forms of the mirror-descent view.',
  references: [
    { label: 'Rawal, a mirror-descent view of saddle-to-saddle dynamics', paper: PAPER_000, section: '§2–5' },
    { label: 'Deep linear networks as a solvable model (Saxe et al. solution)', paper: PAPER_001, section: '§5–7' },
  ],
  formulas: [
    { label: 'Channel flow (2)', tex: '\\dot\\sigma_i = -L\\,\\sigma_i^{2-2/L}\\,(\\sigma_i - \\sigma_i^*)', ref: 'paper 000 §2, eq. (2)' },
    {
      label: 'Barrier coordinate (3)',
      tex:
        'b_i = \\beta_L(\\sigma_i) = \\frac{\\sigma_i^{2/L-1}}{L(2/L-1)}\\ (L \\ne 2),\\quad \\beta_2(\\sigma) = \\tfrac12\\log\\sigma,' +
        '\\quad \\dot b_i = \\sigma_i^* - \\sigma_i',
      ref: 'paper 000 §3.1, eq. (3) and Lemma 1',
    },
    {
      label: 'Bregman potential (4) and dissipation',
      tex:
        '\\Phi_L(\\sigma) = \\frac{\\sigma^{2/L}}{L(2/L)(2/L-1)},\\quad \\Phi_2(\\sigma) = \\tfrac12(\\sigma\\log\\sigma - \\sigma),\\quad ' +
        'D_{\\Phi_L}(\\sigma^*,\\sigma) = \\Phi_L(\\sigma^*) - \\Phi_L(\\sigma) - \\langle\\beta_L(\\sigma),\\sigma^*-\\sigma\\rangle,\\quad ' +
        '\\tfrac{d}{dt}D_{\\Phi_L} = -2\\ell',
      ref: 'paper 000 §3.2, eq. (4), Theorem 2 (Φ₂ with the README correction ½)',
    },
    {
      label: 'Linearized escape time (6)',
      tex: '\\tau_i^{\\mathrm{lin}}(\\varepsilon) = \\frac{\\beta_L(\\tfrac12\\sigma_i^*) - \\beta_L(\\sigma_i(0))}{\\sigma_i^*}',
      ref: 'paper 000 §4.1, eq. (6)',
    },
    {
      label: 'Phase transition (7)',
      tex:
        '\\tau_i^{\\mathrm{lin}}(\\varepsilon) \\sim \\begin{cases} |\\log\\varepsilon|/\\sigma_i^* & L = 2 \\\\ ' +
        '\\dfrac{\\varepsilon^{-(L-2)}}{(L-2)\\,\\sigma_i^*} & L \\ge 3 \\end{cases}',
      ref: 'paper 000 §4.2, eq. (7), Proposition 4',
    },
    {
      label: 'Active-basin rate (8)',
      tex: '\\dot\\delta_i = -L(\\sigma_i^*)^{2-2/L}\\,\\delta_i + O(\\delta_i^2)',
      ref: 'paper 000 §4.3, eq. (8)',
    },
    {
      label: 'Two-phase total time (9)',
      tex: 'T_\\delta(\\varepsilon) \\sim \\frac{\\varepsilon^{-(L-2)}}{(L-2)\\,\\sigma_i^*} + \\frac{\\log(1/\\delta)}{L(\\sigma_i^*)^{2-2/L}}',
      ref: 'paper 000 §4.3, eq. (9), Corollary 5',
    },
  ],
  params: modeFlowParams,
  metrics: [
    { name: 'sigma/', label: 'σᵢ(t), mode i (0-based)', x: 't' },
    { name: 'barrier/', label: 'bᵢ = β_L(σᵢ(t)), eq. (3)', x: 't' },
    { name: 'loss', label: 'ℓ = ½ Σ (σᵢ − σᵢ*)²', x: 't' },
    { name: 'bregman', label: 'D_Φ(σ*, σ(t)), eq. (4)', x: 't' },
  ],
  charts: [
    { id: 'sigma', title: 'Singular values σᵢ(t) (Fig. 1a)', x: longHorizonTime, y: { label: 'σᵢ', log: false }, series: ['sigma/'], theory: ['tauLin', 'targets'] },
    { id: 'barrier', title: 'Barrier coordinate bᵢ = β_L(σᵢ) (Fig. 1b)', x: longHorizonTime, y: { label: 'bᵢ', log: false }, series: ['barrier/'], theory: ['deadZoneLine', 'tauLin'] },
    { id: 'loss', title: 'Loss ℓ(t)', x: longHorizonTime, y: { label: 'ℓ', log: true }, series: ['loss'], theory: [] },
    { id: 'bregman', title: 'Bregman divergence D_Φ(σ*, σ(t))', x: longHorizonTime, y: { label: 'D_Φ', log: true }, series: ['bregman'], theory: [] },
  ],
  run: runModeFlow,
  theory: theoryOverlays,
  analyses: [escapeTimeScaling, channelGeometry, implicitBias],
});
