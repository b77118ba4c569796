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
  // Only used fonts: jsPDF would otherwise list all 14 standard fonts, none of them embedded.
  const pdf = new jsPDF({ unit: 'pt', format: [width, height], orientation: width > height ? 'landscape' : 'portrait', compress: true, putOnlyUsedFonts: true });
  embedFigureFont(element, pdf, font);
  // svg2pdf reads only alignment-baseline; ECharts centres tick labels on their ticks with
  // dominant-baseline, which would otherwise drop to the alphabetic baseline (labels ~⅓ em high).
  for (const text of element.querySelectorAll('text[dominant-baseline]')) text.setAttribute('alignment-baseline', text.getAttribute('dominant-baseline')!);
  await svg2pdf(element, pdf, { x: 0, y: 0, width, height });
  pdf.setProperties({ title: meta.title, subject: meta.caption, keywords: `Saddle Lab; ${meta.source}`, creator: meta.creator });
  return withIdentityOrdering(new Uint8Array(pdf.output('arraybuffer')));
}

const jspdfOrdering = '/Ordering (Identity-H)';

/**
 * jsPDF names the CID font's character collection after its encoding (Identity-H); the PDF spec
 * and poppler expect "Identity". Rewritten in place, padded with spaces so the xref offsets hold.
 */
function withIdentityOrdering(pdf: Uint8Array): Uint8Array {
  const text = new TextDecoder('latin1').decode(pdf);
  const at = text.indexOf(jspdfOrdering);
  if (at < 0) return pdf;
  const fixed = '/Ordering (Identity)'.padEnd(jspdfOrdering.length, ' ');
  pdf.set([...fixed].map((char) => char.charCodeAt(0)), at);
  return pdf;
}
