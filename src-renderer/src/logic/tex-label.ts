// Labels written in simple TeX (`a_{p,k}`, `s_{r+1}`, `\tau`) as plain Unicode text, for places
// that cannot render KaTeX: chart titles, legends and axis names drawn on a canvas, and the toggles
// beside them. Formulas shown as HTML keep KaTeX (FormulaCard.vue), and so do the scripted words
// of prose such as a family's summary (proseParts).

const commands: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ',
  upsilon: 'υ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  ell: 'ℓ', infty: '∞', cdot: '·', times: '×', le: '≤', leq: '≤', ge: '≥', geq: '≥', pm: '±', approx: '≈',
  nabla: '∇', partial: '∂', to: '→',
};

/** Pairs "plain glyph, script glyph" → lookup table. */
function glyphs(plain: string, script: string): Map<string, string> {
  const [from, to] = [[...plain], [...script]];
  return new Map(from.map((char, i) => [char, to[i]]));
}

const subscripts = glyphs('0123456789+-−=()aehijklmnoprstuvxβγρφχ', '₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ');
const superscripts = glyphs(
  '0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδθφχ',
  '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᶿᵠᵡ',
);
/** Kept as they are inside a script: `a_{p,k}` → aₚ,ₖ. */
const scriptNeutral = new Set([',', ' ']);

/** The script glyphs of `text`, or null when one of its characters has none. */
function toScript(text: string, table: ReadonlyMap<string, string>): string | null {
  let out = '';
  for (const char of text) {
    const glyph = scriptNeutral.has(char) ? char : table.get(char);
    if (glyph === undefined) return null;
    out += glyph;
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function convertScripts(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const marker = text[i];
    if ((marker !== '_' && marker !== '^') || i + 1 >= text.length) {
      out += marker;
      i++;
      continue;
    }
    const table = marker === '_' ? subscripts : superscripts;
    if (text[i + 1] === '{') {
      const close = closingBrace(text, i + 1);
      if (close < 0) {
        out += marker;
        i++;
        continue;
      }
      const inner = convertScripts(text.slice(i + 2, close));
      // No glyph for some character (`Σ_{i≥2}`): brackets keep the grouping readable.
      out += toScript(inner, table) ?? `${marker}${[...inner].length === 1 ? inner : `(${inner})`}`;
      i = close + 1;
      continue;
    }
    // A lone character (`s_i`, `(−1)^j`); `t_esc` is a name with an underscore, not a subscript.
    const [next, after] = [...text.slice(i + 1, i + 3)];
    const single = after === undefined || !/[\p{L}0-9]/u.test(after) ? toScript(next, table) : null;
    out += single ?? marker;
    i += single === null ? 1 : 1 + next.length;
  }
  return out;
}

/** Simple TeX → Unicode text: `a_{p,k}` → aₚ,ₖ, `s_{r+1}` → sᵣ₊₁, `\tau` → τ, `x^{1−m}` → x¹⁻ᵐ. Unicode text passes through. */
export function texToUnicode(text: string): string {
  const words = text
    .replace(/\$/g, '')
    .replace(/\\(?:mathrm|text|mathit|operatorname)\{([^{}]*)\}/g, '$1')
    .replace(/\\([A-Za-z]+)/g, (whole, name: string) => commands[name] ?? whole);
  return convertScripts(words);
}

export interface ProsePart {
  /** True: a word with TeX-style scripts, for KaTeX; false: plain text. */
  tex: boolean;
  text: string;
}

/** A word carrying a sub- or superscript (`s^{2−2/L}`, `λ_single`, `|wᵢ|^q`), without the punctuation that ends a clause. */
const scriptedWord = /^([([]?)(\S*[_^]\S+?)([,.;:)\]]*)$/;

/**
 * Prose with TeX-style scripts in it, split into plain text and the scripted words as TeX for
 * KaTeX, a word-long subscript upright (λ_single → λ_{\mathrm{single}}, as in the script exports).
 */
export function proseParts(text: string): ProsePart[] {
  const parts: ProsePart[] = [];
  const push = (tex: boolean, piece: string) => {
    const last = parts[parts.length - 1];
    if (piece === '') return;
    if (last && last.tex === tex && !tex) last.text += piece;
    else parts.push({ tex, text: piece });
  };
  for (const token of text.split(/(\s+)/)) {
    const match = scriptedWord.exec(token);
    if (!match) {
      push(false, token);
      continue;
    }
    const [, before, word, after] = match;
    push(false, before);
    push(true, word.replace(/_([A-Za-z]{2,})/g, '_{\\mathrm{$1}}'));
    push(false, after);
  }
  return parts;
}

/** A claim's statement, inline math between $…$ (written for KaTeX) apart from the words around it. */
export function inlineMathParts(text: string): ProsePart[] {
  return text
    .split(/\$([^$]+)\$/)
    .map((piece, i) => ({ tex: i % 2 === 1, text: piece }))
    .filter((part) => part.text !== '');
}
