// The built-in experiment families, imported at once, for the tests and the bench. A new built-in
// family is one import and one entry here and one loader in ./load.ts, through which the pool
// worker and the main process's FamilyRegistry (src-main/core/family-registry.ts) load them, one
// chunk per family.
import type { FamilyDefinition } from '../family';
import { unknownFamilyMessage } from './load';
import { family as modeFlow } from './mode-flow';
import { family as dlnTrain } from './dln-train';
import { family as multipath } from './multipath';
import { family as steepest } from './steepest';
import { family as reluEscape } from './relu-escape';

export const builtInFamilies: readonly FamilyDefinition[] = [modeFlow, dlnTrain, multipath, reluEscape, steepest];

/** The built-in family with this id; throws for an unknown id (the pool worker loads any other family from its task's source). */
export function getFamily(id: string): FamilyDefinition {
  const family = builtInFamilies.find((f) => f.id === id);
  if (!family) throw new Error(unknownFamilyMessage(id, builtInFamilies.map((f) => f.id)));
  return family;
}
