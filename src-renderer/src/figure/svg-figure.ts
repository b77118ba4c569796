// SVG figures at a physical size, carrying their caption draft (<title>, <desc> and Dublin Core
// <metadata>) so the file can be traced back to its runs; several panels placed on one page.
import { sizeInPoints } from './figure-settings';
import type { FigureSettings } from '../../../src-main/contract/api';

export interface FigureMeta {
  title: string;
  caption: string;
  creator: string;
  source: string;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function metadataBlock(meta: FigureMeta): string {
  return (
    `<title>${xmlEscape(meta.title)}</title><desc>${xmlEscape(meta.caption)}</desc>` +
    '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    `<rdf:Description><dc:title>${xmlEscape(meta.title)}</dc:title><dc:description>${xmlEscape(meta.caption)}</dc:description>` +
    `<dc:creator>${xmlEscape(meta.creator)}</dc:creator><dc:source>${xmlEscape(meta.source)}</dc:source></rdf:Description></rdf:RDF></metadata>`
  );
}

/** The inside of an <svg> element: everything between its opening and closing tags. */
function svgBody(svg: string): string {
  const start = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  return svg.slice(start, svg.lastIndexOf('</svg>'));
}

/**
 * One figure from panel SVGs placed at their offsets in points, plus figure-level elements (the
 * shared legend, panel labels), sized in inches with a viewBox in points.
 */
export function figureSvg(panels: readonly { svg: string; x: number; y: number }[], overlay: string, settings: FigureSettings, meta: FigureMeta): string {
  const { width, height } = sizeInPoints(settings);
  const groups = panels.map((panel) => `<g transform="translate(${panel.x} ${panel.y})">${svgBody(panel.svg)}</g>`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${settings.widthIn}in" height="${settings.heightIn}in" viewBox="0 0 ${width} ${height}">` +
    metadataBlock(meta) +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    groups.join('') +
    overlay +
    '</svg>\n'
  );
}
