// Seeded randomness for the fuzz tests: the same cases on every run, so a failure can be replayed.

/** mulberry32: a small PRNG with a 32-bit state; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

/** Outcomes of a fuzz test, printed once so the counts can be quoted. */
export class FuzzTally {
  private readonly counts = new Map<string, number>();

  count(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  get(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  print(title: string): void {
    console.log(`${title}: ${this.total} cases: ${[...this.counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
}
