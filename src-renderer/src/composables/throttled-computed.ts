// A computed value recomputed at most once per interval: panels read streaming runs, and every new
// chunk would otherwise rebuild the panel model and redraw the chart. The first change after a
// quiet spell is applied on the next microtask; a burst shows its latest state when the interval
// ends. An interval of 0 behaves like `computed`, applied a microtask late.
// A positive interval also stretches to `costFactor` times what the last update cost (the getter
// and the redraw it set off, up to the next task), at most `maxStretchMs`: a dashboard of many
// heavy panels over a fast sweep then slows its live updates instead of taking the whole main
// thread. A change that is due sooner than the update already waiting (the interval fell to 0:
// the runs ended) brings that update forward, to just after the next frame: what ended the stream
// (the sweep's done count, its analyses) is painted first, not after every panel has rebuilt.
// While `hold` says so, a value already shown stays as it is and the getter is not run (what it
// reads is then not watched): a panel whose newly drawn runs' data are on their way is drawn
// once when they arrive, not first again with the runs it already had.
import { effect, onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { afterNextFrame } from '../logic/live-batch';

/** Each throttled value may use about 1/costFactor of the main thread while it streams. */
const costFactor = 20;
const maxStretchMs = 15_000;

export function useThrottledComputed<T>(getter: () => T, intervalMs: () => number, hold: () => boolean = () => false): Readonly<ShallowRef<T>> {
  const value = shallowRef(undefined as T);
  let computedOnce = false;
  let lastMs = -Infinity;
  let lastCostMs = 0;
  let pending = false;
  let dueMs = Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cancelFrame: (() => void) | null = null;
  /** The interval was positive when last asked: the values stream. */
  let streaming = false;
  const runner = effect(() => {
    // `hold` is read first, so its change reruns this even while the getter is not watched.
    if (hold() && computedOnce) return;
    computedOnce = true;
    value.value = getter();
  }, { scheduler: schedule });

  function rerun(): void {
    pending = false;
    dueMs = Infinity;
    timer = null;
    cancelFrame = null;
    const started = performance.now();
    lastMs = started;
    runner();
    // The redraw this sets off runs in Vue's flush (microtasks): the next task sees it done.
    setTimeout(() => (lastCostMs = performance.now() - started), 0);
  }

  function schedule(): void {
    const interval = intervalMs();
    const streamEnded = streaming && interval === 0;
    streaming = interval > 0;
    const due = lastMs + (interval > 0 ? Math.max(interval, Math.min(maxStretchMs, costFactor * lastCostMs)) : 0);
    // Already due (a microtask is queued), or due no later than asked now: nothing to move.
    if (pending && (due >= dueMs || dueMs <= performance.now())) return;
    if (timer) clearTimeout(timer);
    timer = null;
    cancelFrame?.();
    cancelFrame = null;
    pending = true;
    dueMs = due;
    const wait = due - performance.now();
    if (streamEnded) cancelFrame = afterNextFrame(rerun);
    else if (wait <= 0) queueMicrotask(rerun);
    else timer = setTimeout(rerun, wait);
  }

  onScopeDispose(() => {
    runner.effect.stop();
    if (timer) clearTimeout(timer);
    cancelFrame?.();
  });
  return value;
}
