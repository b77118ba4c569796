// Paper 000's claims file: valid against the ledger's schema.
import { describe, expect, it } from 'vitest';
import { loadClaimCatalog } from '../../src-main/core/claims';

describe('paper 000 claims', () => {
  it('the claims file is valid and lists 000-1 … 000-11 once each', () => {
    const paper = loadClaimCatalog('examples/claims').find((p) => p.paper === '000');
    expect(paper?.claims.map((c) => c.id)).toEqual(Array.from({ length: 11 }, (_, i) => `000-${i + 1}`));
  });
});
