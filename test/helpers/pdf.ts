// Reading exported PDFs as a reader would, with poppler-utils (.ci/run installs them): figure text
// is drawn in an embedded subset font, so it is glyph ids in the file, not literal strings.
import { execFileSync } from 'node:child_process';

export function poppler(tool: string, args: readonly string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8' });
}

/** The text of a PDF, laid out as on the page. */
export function pdfText(file: string): string {
  return poppler('pdftotext', ['-layout', file, '-']);
}
