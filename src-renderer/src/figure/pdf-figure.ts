// Vector PDF from the figure's SVG (jsPDF + svg2pdf.js): paths stay paths and text stays text,
// searchable through the embedded subset font's Unicode map; the caption draft goes into the
// document's Subject and Keywords.
import { jsPDF } from 'jspdf';
import { svg2pdf } from 'svg2pdf.js';
import type { FigureSettings } from '../../../src-main/contract/api';
import { embedFigureFont, type FigureFont } from './figure-font';
import { sizeInPoints } from './figure-settings';
import type { FigureMeta } from './svg-figure';

export async function figurePdf(svg: string, settings: FigureSettings, meta: FigureMeta, font: FigureFont): Promise<Uint8Array> {
  const { width, height } = sizeInPoints(settings);
  const element = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  const pdf = new jsPDF({ unit: 'pt', format: [width, height], orientation: width > height ? 'landscape' : 'portrait', compress: true });
  embedFigureFont(element, pdf, font);
  await svg2pdf(element, pdf, { x: 0, y: 0, width, height });
  pdf.setProperties({ title: meta.title, subject: meta.caption, keywords: `Saddle Lab; ${meta.source}`, creator: meta.creator });
  return new Uint8Array(pdf.output('arraybuffer'));
}
