import { describe, expect, it } from 'vitest';
import { tooltipHtml } from '../../src-renderer/src/charts/axes';
import { inlineMathParts, proseParts, texToUnicode } from '../../src-renderer/src/logic/tex-label';

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

describe('prose with TeX-style scripts (a family summary)', () => {
  it('gives the scripted words to KaTeX, word-long subscripts upright, and keeps the rest as text', () => {
    // From the multipath family's summary.
    expect(proseParts('split with sharpness L s^{2−2/L}; GD with 2/λ_single < η, at L_p.')).toEqual([
      { tex: false, text: 'split with sharpness L ' },
      { tex: true, text: 's^{2−2/L}' },
      { tex: false, text: '; GD with ' },
      { tex: true, text: '2/λ_{\\mathrm{single}}' },
      { tex: false, text: ' < η, at ' },
      { tex: true, text: 'L_p' },
      { tex: false, text: '.' },
    ]);
    expect(proseParts('(the |wᵢ|^q law)')).toEqual([{ tex: false, text: '(the ' }, { tex: true, text: '|wᵢ|^q' }, { tex: false, text: ' law)' }]);
    expect(proseParts('No scripts here, W₁ ⋯ W₂.')).toEqual([{ tex: false, text: 'No scripts here, W₁ ⋯ W₂.' }]);
  });
});

describe('chart tooltips name series as the legend does', () => {
  const marker = '<span class="dot"></span>';

  it('shows TeX series names as Unicode, the y of each [x, y] point, numbers formatted, names escaped', () => {
    const html = tooltipHtml([
      { seriesName: 'L s^{2−2/L}', seriesType: 'line', marker, value: [100, 0.25], axisValue: 100 },
      { seriesName: 'a_{p,k} <b>', seriesType: 'line', marker, value: [100, 1e-7], axisValue: 100 },
    ], 'axis');
    expect(html).toContain('<span>L s^(2−2/L)</span>');
    expect(html).toContain('<span>aₚ,ₖ &lt;b&gt;</span>');
    expect(html).not.toContain('{');
    expect(html).toContain('>0.25</span>');
    expect(html).toContain(marker);
    expect(html.startsWith('<div>100</div>')).toBe(true);
  });

  it('heads an item tooltip with the series name; a heatmap row shows the cell value', () => {
    const html = tooltipHtml({ seriesName: '\\tau_{lin}', seriesType: 'heatmap', name: '', marker, value: [1, 2, 0.5] }, 'item');
    expect(html.startsWith('<div>τₗᵢₙ</div>')).toBe(true);
    expect(html).toContain('>0.5</span>');
  });
});

describe('a claim statement: inline math between $…$ for KaTeX, the words around it as text', () => {
  it('splits at the dollars and keeps every character', () => {
    const statement = 'For $L \\ge 3$ the escape time scales as $\\varepsilon^{-(L-2)}$.';
    expect(inlineMathParts(statement)).toEqual([
      { tex: false, text: 'For ' },
      { tex: true, text: 'L \\ge 3' },
      { tex: false, text: ' the escape time scales as ' },
      { tex: true, text: '\\varepsilon^{-(L-2)}' },
      { tex: false, text: '.' },
    ]);
  });

  it('leaves text without math, and a lone dollar, as text', () => {
    expect(inlineMathParts('no math here')).toEqual([{ tex: false, text: 'no math here' }]);
    expect(inlineMathParts('costs $5')).toEqual([{ tex: false, text: 'costs $5' }]);
  });
});
