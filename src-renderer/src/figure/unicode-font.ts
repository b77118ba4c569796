// The standard PDF fonts only encode Latin-1; labels such as σᵢ, ℓ or τ_lin need a font that has
// those glyphs. Text that needs one is switched to DejaVu (embedded; loaded only when needed), all
// other text stays in plain, searchable Helvetica/Times/Courier.
import type { jsPDF } from 'jspdf';
import type { FigureFontFamily } from '../../../src-main/contract/api';

const fallbackName: Record<FigureFontFamily, string> = { Helvetica: 'DejaVuSans', Times: 'DejaVuSerif', Courier: 'DejaVuSansMono' };

const fontFiles: Record<FigureFontFamily, () => Promise<{ default: string }>> = {
  Helvetica: () => import('dejavu-fonts-ttf/ttf/DejaVuSans.ttf?inline'),
  Times: () => import('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf?inline'),
  Courier: () => import('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf?inline'),
};

function needsUnicodeFont(text: string): boolean {
  return [...text].some((char) => char.codePointAt(0)! > 0xff);
}

/** Switches the texts the standard fonts cannot encode to DejaVu, registering it in `pdf` if any. */
export async function useUnicodeFontWhereNeeded(svg: Element, pdf: jsPDF, family: FigureFontFamily): Promise<void> {
  const texts = [...svg.querySelectorAll('text')].filter((text) => needsUnicodeFont(text.textContent ?? ''));
  if (texts.length === 0) return;
  const name = fallbackName[family];
  const dataUrl = (await fontFiles[family]()).default;
  const file = `${name}.ttf`;
  pdf.addFileToVFS(file, dataUrl.slice(dataUrl.indexOf(',') + 1));
  // One weight: bold text in this font is drawn regular rather than in a standard font without the glyphs.
  pdf.addFont(file, name, 'normal');
  pdf.addFont(file, name, 'bold');
  for (const text of texts) {
    text.setAttribute('font-family', name);
    (text as SVGElement).style?.setProperty('font-family', name);
  }
}
