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

/** A file that goes next to the main one: same stem, `suffix` instead of its extension. */
export type Sidecar = Omit<ExportFile, 'name'> & { suffix: string };

export async function saveExport(file: ExportFile, host: HostKind, sidecars: readonly Sidecar[] = []): Promise<void> {
  if (host === 'electron') {
    const extra = sidecars.map(({ suffix, data, encoding }) => ({ suffix, data, encoding }));
    await saddle().exports.saveFile({ suggestedName: file.name, data: file.data, encoding: file.encoding, sidecars: extra });
  } else {
    download(file);
    const stem = file.name.replace(/\.[^.]*$/, '');
    for (const sidecar of sidecars) download({ ...sidecar, name: stem + sidecar.suffix });
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and argument lists are limited.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** "Singular values / run 3" → "singular-values-run-3". */
export function fileStem(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'panel';
}
