// Mini-batches drawn without replacement: the sample order is reshuffled (Fisher–Yates, seeded)
// at the start of every epoch.
import { shuffleInPlace, type Rng } from '../../numeric/rng';

export /** Shuffled mini-batches that cover every sample once per epoch. */
class BatchSampler {
  private readonly order: Int32Array;
  private position: number;
  readonly batch: Int32Array;

  constructor(samples: number, size: number, private readonly rng: Rng) {
    this.order = Int32Array.from({ length: samples }, (_, i) => i);
    this.batch = new Int32Array(size);
    this.position = samples;
  }

  next(): Int32Array {
    for (let b = 0; b < this.batch.length; b++) {
      if (this.position === this.order.length) this.shuffle();
      this.batch[b] = this.order[this.position++];
    }
    return this.batch;
  }

  private shuffle(): void {
    shuffleInPlace(this.order, this.rng);
    this.position = 0;
  }
}
