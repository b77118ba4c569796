// Registry of experiment families. A new family is one import and one entry here.
import type { FamilyDefinition } from '../family';
import { family as modeFlow } from './mode-flow';
import { family as dlnTrain } from './dln-train';
import { family as multipath } from './multipath';
import { family as steepest } from './steepest';
import { family as reluEscape } from './relu-escape';

export const families: FamilyDefinition[] = [modeFlow, dlnTrain, multipath, reluEscape, steepest];

/** The family with this id; throws for an unknown id (a project naming a family this app lacks). */
export function getFamily(id: string): FamilyDefinition {
  const family = families.find((f) => f.id === id);
  if (!family) throw new Error(`unknown family '${id}' (known: ${families.map((f) => f.id).join(', ')})`);
  return family;
}
