// Raster figure: the figure's SVG drawn onto a canvas of width × dpi pixels, so fonts in pt land at
// their printed size, then stamped with its DPI and caption.
import type { FigureSettings } from '../../../src-main/contract/api';
import { withInlineFont, type FigureFont } from './figure-font';
import { stampPng } from './png-metadata';
import type { FigureMeta } from './svg-figure';

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the figure could not be rasterised'));
    image.src = url;
  });
}

export async function figurePng(svg: string, settings: FigureSettings, meta: FigureMeta, font: FigureFont): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(settings.widthIn * settings.dpi);
  canvas.height = Math.round(settings.heightIn * settings.dpi);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas available');
  const image = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(withInlineFont(svg, font))}`);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the figure could not be encoded as PNG');
  return stampPng(new Uint8Array(await blob.arrayBuffer()), settings.dpi, { Title: meta.title, Description: meta.caption, Source: meta.source });
}
