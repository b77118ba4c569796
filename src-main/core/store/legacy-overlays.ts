// Overlays that earlier versions stored as theory although the runs contradict them. A project
// file keeps what it was written with; reading shows each such line as the paper's claim it is
// (grey, dotted, labelled), never as theory. docs/project-file.md lists them.
import type { TheorySeries } from '../../contract';

/** Per family: overlay id → the claim's label prefix. */
const paperClaimsStoredAsTheory: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Paper 001 §7.2's gap timescale log(1/ε)/(s_r − s_{r+1}): stored as theory before the claims fix.
  'dln-train': { gapTimes: 'paper 001 §7.2 claim' },
};

export function withLegacyOverlayRoles(family: string, series: TheorySeries[]): TheorySeries[] {
  const claims = paperClaimsStoredAsTheory[family];
  if (!claims) return series;
  return series.map((s) => {
    const prefix = claims[s.id];
    if (prefix === undefined || s.role !== undefined) return s;
    return { ...s, role: 'paper-claim', label: `${prefix}: ${s.label}` };
  });
}
