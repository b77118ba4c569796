// Files that travel with an exported file (a figure's caption draft, a script's data), written next
// to the path the user chose so they keep the same stem: fig.pdf → fig.caption.txt.
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export interface Sidecar {
  suffix: string;
  data: string;
  encoding: 'utf8' | 'base64';
}

export function sidecarPath(mainPath: string, suffix: string): string {
  return join(dirname(mainPath), basename(mainPath, extname(mainPath)) + suffix);
}

export async function writeSidecars(mainPath: string, sidecars: readonly Sidecar[]): Promise<void> {
  for (const sidecar of sidecars) await writeFile(sidecarPath(mainPath, sidecar.suffix), Buffer.from(sidecar.data, sidecar.encoding));
}
