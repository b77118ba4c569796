// The built-in families, one dynamic import each: a pool thread that runs Fig. 2 compiles
// mode-flow's code, not all five families' (the bundle splits per family), and so does the main
// process of a CLI `run` (core/family-registry.ts loads only its spec's family).
import type { FamilyDefinition } from '../family';

const builtInLoaders: Readonly<Record<string, () => Promise<{ family: FamilyDefinition }>>> = {
  'mode-flow': () => import('./mode-flow'),
  'dln-train': () => import('./dln-train'),
  multipath: () => import('./multipath'),
  'relu-escape': () => import('./relu-escape'),
  steepest: () => import('./steepest'),
};

/** Every built-in family's id, known without loading any of them. */
export const builtInFamilyIds: readonly string[] = Object.keys(builtInLoaders);

/** The built-in family with this id, loaded on first use; rejects for an unknown id (the pool worker loads any other family from its task's source). */
export async function loadBuiltInFamily(id: string): Promise<FamilyDefinition> {
  const load = Object.hasOwn(builtInLoaders, id) ? builtInLoaders[id] : undefined;
  if (!load) throw new Error(unknownFamilyMessage(id, builtInFamilyIds));
  return (await load()).family;
}

export function unknownFamilyMessage(id: string, builtIn: readonly string[]): string {
  return `unknown family '${id}' (built in: ${builtIn.join(', ')}); a script or code family must be installed in the user's folder, the project's <name>.families/ folder or named with --family-path`;
}
