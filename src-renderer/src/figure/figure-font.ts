// The one font of a figure (figure-settings.ts: figureFontName), loaded from the bundled DejaVu TTF:
// registered with the page so ECharts measures labels with the metrics they are drawn with, embedded
// once as a glyph subset in PDFs, and inlined for the rasteriser of PNGs (an SVG drawn as an image
// cannot see the page's fonts).
import type { jsPDF } from 'jspdf';
import type { FigureFontFamily } from '../../../src-main/contract/api';
import { figureFontName } from './figure-settings';

const fontFiles: Record<FigureFontFamily, () => Promise<{ default: string }>> = {
  Helvetica: () => import('dejavu-fonts-ttf/ttf/DejaVuSans.ttf?inline'),
  Times: () => import('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf?inline'),
  Courier: () => import('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf?inline'),
};

export interface FigureFont {
  /** The CSS family name the figure's SVG uses. */
  name: string;
  /** The TTF as a data URL. */
  dataUrl: string;
}

/** Loads the family's font and makes it available to the page's text measurement. */
export async function loadFigureFont(family: FigureFontFamily): Promise<FigureFont> {
  const name = figureFontName[family];
  const dataUrl = (await fontFiles[family]()).default;
  const registered = [...document.fonts].some((face) => face.family.replace(/"/g, '') === name);
  if (!registered) {
    const face = new FontFace(name, `url(${dataUrl})`);
    document.fonts.add(face);
    await face.load();
  }
  return { name, dataUrl };
}

/**
 * Embeds the font once in `pdf` and draws every text of `svg` in it. The PDF name carries a subset
 * tag (jsPDF writes only the glyphs used), and there is one weight: a second would embed the font again.
 */
export function embedFigureFont(svg: Element, pdf: jsPDF, font: FigureFont): void {
  const pdfName = `SADDLE+${font.name.replace(/ /g, '')}`;
  const file = `${pdfName}.ttf`;
  pdf.addFileToVFS(file, font.dataUrl.slice(font.dataUrl.indexOf(',') + 1));
  pdf.addFont(file, pdfName, 'normal');
  for (const text of svg.querySelectorAll('text, tspan')) {
    for (const [property, value] of [['font-family', `"${pdfName}"`], ['font-weight', 'normal']]) {
      text.setAttribute(property, value);
      (text as SVGElement).style?.setProperty(property, value);
    }
  }
}

/** The SVG with the font inlined, for rasterising it as an image. */
export function withInlineFont(svg: string, font: FigureFont): string {
  const style = `<style>@font-face{font-family:"${font.name}";src:url(${font.dataUrl});}</style>`;
  const start = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  return svg.slice(0, start) + style + svg.slice(start);
}

/** Text width in pt at `size` pt in the loaded font, as the page (and so the PDF) lays it out. */
export function textMeasure(font: FigureFont, size: number): (text: string) => number {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) throw new Error('no 2D canvas available');
  context.font = `${size}px "${font.name}"`;
  return (text) => context.measureText(text).width;
}
