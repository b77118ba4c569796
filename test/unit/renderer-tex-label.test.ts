import { describe, expect, it } from 'vitest';
import { texToUnicode } from '../../src-renderer/src/logic/tex-label';

describe('TeX labels as Unicode text', () => {
  // Labels the families ship (multipath, dln-train, relu-escape, steepest) and what a reader should see.
  it.each([
    ['a_{p,k}', 'aₚ,ₖ'],
    ['s_{r+1}', 'sᵣ₊₁'],
    ['Pathway values a_{p,k} (Figs. 1, 2, 4)', 'Pathway values aₚ,ₖ (Figs. 1, 2, 4)'],
    ['r_k = s_k − Σ_p a_{p,k}', 'rₖ = sₖ − Σₚ aₚ,ₖ'],
    ['\\tau_{lin}', 'τₗᵢₙ'],
    ['$\\tau$_lin', 'τ_lin'],
    ['blow-up t* = x₀^{1−m}/(m−1)', 'blow-up t* = x₀¹⁻ᵐ/(m−1)'],
    ['Circle example (N = 8, G_j = (−1)^j)', 'Circle example (N = 8, Gⱼ = (−1)ʲ)'],
    ['Σσ_α^{2/L}', 'Σσ_α^(2/L)'],
    ['Σ_{i≥2}s_i²/Σs_i²', 'Σ_(i≥2)sᵢ²/Σsᵢ²'],
    ['R_{L_p,L}', 'R_(Lₚ,L)'],
    ['W_{L}', 'W_L'],
  ])('%s → %s', (tex, unicode) => {
    expect(texToUnicode(tex)).toBe(unicode);
  });

  it('leaves names with underscores, plain text and unknown commands alone', () => {
    for (const text of ['t_esc measured', 'η_WCR / η_onset', 'M_reg coupled', '10^−1.5', 'loss', 'a_', '\\frac{1}{2}']) {
      expect(texToUnicode(text)).toBe(text);
    }
  });
});
