// Registry of experiment families. A new built-in family is one import and one entry here; the
// main process adds the user's and the project's families (src-main/core/family-registry.ts).
import type { FamilyDefinition } from '../family';
import { family as modeFlow } from './mode-flow';
import { family as dlnTrain } from './dln-train';
import { family as multipath } from './multipath';
import { family as steepest } from './steepest';
import { family as reluEscape } from './relu-escape';

export const builtInFamilies: readonly FamilyDefinition[] = [modeFlow, dlnTrain, multipath, reluEscape, steepest];

/**
 * Every family known here: the built-ins, then the script and code families the host loaded
 * (setExternalFamilies). The pool worker never fills it: it loads a family from each task's source.
 */
export const families: FamilyDefinition[] = [...builtInFamilies];

export function setExternalFamilies(list: readonly FamilyDefinition[]): void {
  families.splice(builtInFamilies.length, families.length, ...list);
}

/** The family with this id; throws for an unknown id (a project naming a family this app lacks). */
export function getFamily(id: string): FamilyDefinition {
  const family = families.find((f) => f.id === id);
  if (!family) throw new Error(`unknown family '${id}' (known: ${families.map((f) => f.id).join(', ')}); a script or code family must be installed in the user's folder, the project's <name>.families/ folder or named with --family-path`);
  return family;
}
