// The weight file of init "file" and of the checkpoint export: JSON {"layers": [W₁, …, W_L]}, each
// layer a list of rows, W_l of shape n_l × n_{l−1}. Every problem is reported against `initFile`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromRows, type Matrix } from '../../numeric/matrix';

const weightFile = z.object({
  layers: z.array(z.array(z.array(z.number().finite('entries must be finite numbers')).min(1)).min(1)).min(1),
});

export type WeightFile = z.infer<typeof weightFile>;

/** The layers as a weight file (what the checkpoint series reconstruct to). */
export function toWeightFile(layers: readonly Matrix[]): WeightFile {
  return { layers: layers.map((w) => Array.from({ length: w.rows }, (_, i) => Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols)))) };
}

/** Parses and checks a weight file's text against widths n₀ … n_L. */
export function parseWeightFile(text: string, widths: readonly number[], source: string): Matrix[] {
  const fail = (why: string): never => {
    throw new Error(`initFile: ${source}: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const parsed = weightFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`${issue.path.length > 0 ? issue.path.join('.') : 'the file'}: ${issue.message} (expected {"layers": [W₁, …, W_L]}, each a list of rows)`);
  }
  const { layers } = parsed.data;
  if (layers.length !== widths.length - 1) fail(`has ${layers.length} layers, the network has depth ${widths.length - 1}`);
  return layers.map((rows, l) => {
    const shape = `${rows.length}×${rows[0].length}`;
    if (rows.some((r) => r.length !== rows[0].length)) fail(`layers.${l}: rows of different lengths`);
    if (rows.length !== widths[l + 1] || rows[0].length !== widths[l]) fail(`layers.${l} (W_${l + 1}) is ${shape}, the widths need ${widths[l + 1]}×${widths[l]}`);
    return fromRows(rows);
  });
}

export function readWeightFile(path: string, widths: readonly number[]): Matrix[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`initFile: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseWeightFile(text, widths, path);
}
