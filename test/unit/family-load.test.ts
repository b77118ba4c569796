// The pool worker's per-family loaders (workers/families/load.ts) must name exactly the families
// the main process lists, and hand back the same definitions: a family missing there would list in
// the catalog and fail in every run.
import { describe, expect, it } from 'vitest';
import { builtInFamilies } from '../../workers/families/index';
import { loadBuiltInFamily } from '../../workers/families/load';

describe('loadBuiltInFamily', () => {
  it('loads every built-in family by its id, the same definition the catalog lists', async () => {
    for (const family of builtInFamilies) expect(await loadBuiltInFamily(family.id)).toBe(family);
  });

  it('rejects an id that is not built in, naming the built-in ones', async () => {
    await expect(loadBuiltInFamily('no-such-family')).rejects.toThrow(/unknown family 'no-such-family' \(built in: mode-flow, dln-train, multipath, relu-escape, steepest\)/);
    await expect(loadBuiltInFamily('toString')).rejects.toThrow(/unknown family 'toString'/);
  });
});
