// Writes an exported file: Electron asks where with a native dialog (main writes it); a browser
// on the serve host downloads it.
import { saddle } from '../api/client';
import type { HostKind } from '../logic/shortcuts';

export interface ExportFile {
  name: string;
  /** Text, or base64 for binary content. */
  data: string;
  encoding: 'utf8' | 'base64';
  mimeType: string;
}

function download(file: ExportFile): void {
  const blob = file.encoding === 'base64'
    ? new Blob([Uint8Array.from(atob(file.data), (char) => char.charCodeAt(0))], { type: file.mimeType })
    : new Blob([file.data], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL; free it after the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function saveExport(file: ExportFile, host: HostKind): Promise<void> {
  if (host === 'electron') {
    await saddle().exports.saveFile({ suggestedName: file.name, data: file.data, encoding: file.encoding });
  } else {
    download(file);
  }
}

/** "Singular values / run 3" → "singular-values-run-3". */
export function fileStem(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'panel';
}
