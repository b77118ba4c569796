// Axis names, titles and legend names as TeX for the script exports. Labels write sub- and
// superscripts the TeX way (τ_lin, W_{l+1}, Z_ℓ^σ): those become math (τ_lin → $\tau_{\mathrm{lin}}$),
// the rest stays text, escaped for LaTeX (pgfplots) or for matplotlib's mathtext.
/** Symbols pdflatex cannot typeset from UTF-8 text, as math; others pass through (fine for lualatex). */
const mathSymbols: Record<string, string> = {
  α: '\\alpha', β: '\\beta', γ: '\\gamma', δ: '\\delta', ε: '\\epsilon', ζ: '\\zeta', η: '\\eta', θ: '\\theta', ι: '\\iota',
  κ: '\\kappa', λ: '\\lambda', μ: '\\mu', ν: '\\nu', ξ: '\\xi', π: '\\pi', ρ: '\\rho', σ: '\\sigma', τ: '\\tau', φ: '\\phi',
  χ: '\\chi', ψ: '\\psi', ω: '\\omega', Γ: '\\Gamma', Δ: '\\Delta', Θ: '\\Theta', Λ: '\\Lambda', Π: '\\Pi', Σ: '\\Sigma',
  Φ: '\\Phi', Ψ: '\\Psi', Ω: '\\Omega', ℓ: '\\ell', '·': '\\cdot', '×': '\\times', '−': '-', '≈': '\\approx', '∈': '\\in',
  '≤': '\\leq', '≥': '\\geq', '∞': '\\infty', '→': '\\to', '∂': '\\partial', '±': '\\pm', '∗': '\\ast', '√': '\\surd', '‖': '\\|',
};
const subscripts: Record<string, string> = { ᵢ: 'i', ⱼ: 'j', ₖ: 'k', ₗ: 'l', ₙ: 'n', ₜ: 't', '₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4', '₅': '5', '₆': '6', '₇': '7', '₈': '8', '₉': '9' };
const superscripts: Record<string, string> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-', ⁿ: 'n', ᵀ: 'T' };
const specials: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', $: '\\$', '&': '\\&', '#': '\\#', '%': '\\%', _: '\\_', '^': '\\^{}', '~': '\\~{}',
};

/** Plain text safe for LaTeX: specials escaped; Greek letters, symbols, sub- and superscripts as math. */
function latexPlain(text: string): string {
  return [...text]
    .map((char) => {
      if (specials[char]) return specials[char];
      if (mathSymbols[char]) return `$${mathSymbols[char]}$`;
      if (subscripts[char]) return `$_{${subscripts[char]}}$`;
      if (superscripts[char]) return `$^{${superscripts[char]}}$`;
      return char;
    })
    .join('');
}

/** A character inside math: its TeX command (braced, so a following letter cannot join it), else itself. */
function mathChar(char: string): string {
  if (mathSymbols[char]) return `{${mathSymbols[char]}}`;
  if (specials[char] && char !== '_' && char !== '^') return specials[char];
  return char;
}

/** A sub- or superscript's content: a word is upright (lin, eff, WCR), anything else math. */
function scriptBody(content: string): string {
  return /^[A-Za-z]{2,}$/.test(content) ? `\\mathrm{${content}}` : [...content].map(mathChar).join('');
}

/**
 * One character followed by one or more scripts: braced, or unbraced as one run of lower-case
 * letters, of capitals or of digits (τ_lin, η_WCR, W_lW_l), else one character (σ_α, ‖_*).
 */
const unbraced = '[a-z]+|[A-Z]+|[0-9]+|[^\\s{}_^]';
const scripted = new RegExp(`(\\S)((?:[_^](?:\\{[^}]*\\}|${unbraced}))+)`, 'gu');
const script = new RegExp(`([_^])(?:\\{([^}]*)\\}|(${unbraced}))`, 'gu');

function withScriptsAsMath(text: string, plain: (segment: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(scripted)) {
    out += plain(text.slice(last, match.index));
    const scripts = [...match[2].matchAll(script)].map((part) => `${part[1]}{${scriptBody(part[2] ?? part[3])}}`).join('');
    out += `$${mathChar(match[1])}${scripts}$`;
    last = match.index + match[0].length;
  }
  // Math segments side by side are one: "$$" would open display math in LaTeX.
  return (out + plain(text.slice(last))).replace(/(?<!\\)\$\$/g, '');
}

/** Text for LaTeX (pgfplots). */
export function latexText(text: string): string {
  return withScriptsAsMath(text, latexPlain);
}

/** Text for matplotlib: scripts as mathtext, other text as it is (matplotlib draws Unicode), $ escaped. */
export function mathtextLabel(text: string): string {
  return withScriptsAsMath(text, (segment) => segment.replace(/\$/g, '\\$'));
}
