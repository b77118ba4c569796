// Vector PDF from the figure's SVG (jsPDF + svg2pdf.js): paths stay paths and text stays text in
// the standard PDF fonts, so labels are searchable (DejaVu only for text those cannot encode); the
// caption draft goes into the document's Subject and Keywords.
import { jsPDF } from 'jspdf';
import { svg2pdf } from 'svg2pdf.js';
import type { FigureSettings } from '../../../src-main/contract/api';
import { sizeInPoints } from './figure-settings';
import type { FigureMeta } from './svg-figure';
import { useUnicodeFontWhereNeeded } from './unicode-font';

export async function figurePdf(svg: string, settings: FigureSettings, meta: FigureMeta): Promise<Uint8Array> {
  const { width, height } = sizeInPoints(settings);
  const element = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  // Uncompressed content streams: a few kB more, and the text can be found with grep.
  const pdf = new jsPDF({ unit: 'pt', format: [width, height], orientation: width > height ? 'landscape' : 'portrait', compress: false });
  await useUnicodeFontWhereNeeded(element, pdf, settings.fontFamily);
  await svg2pdf(element, pdf, { x: 0, y: 0, width, height });
  pdf.setProperties({ title: meta.title, subject: meta.caption, keywords: `Saddle Lab; ${meta.source}`, creator: meta.creator });
  return new Uint8Array(pdf.output('arraybuffer'));
}
