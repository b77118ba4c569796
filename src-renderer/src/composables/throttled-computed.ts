// A computed value recomputed at most once per interval: panels read streaming runs, and every new
// chunk would otherwise rebuild the panel model and redraw the chart. The first change after a
// quiet spell is applied on the next microtask; a burst shows its latest state when the interval
// ends. An interval of 0 behaves like `computed`, applied a microtask late.
// A positive interval also stretches to `costFactor` times what the last update cost (the getter
// and the redraw it set off, up to the next task): a dashboard of many heavy panels over a fast
// sweep then slows its live updates instead of taking the whole main thread.
import { effect, onScopeDispose, shallowRef, type ShallowRef } from 'vue';

/** Each throttled value may use about 1/costFactor of the main thread while it streams. */
const costFactor = 20;

export function useThrottledComputed<T>(getter: () => T, intervalMs: () => number): Readonly<ShallowRef<T>> {
  const value = shallowRef(undefined as T);
  let lastMs = -Infinity;
  let lastCostMs = 0;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const runner = effect(() => {
    value.value = getter();
  }, { scheduler: schedule });

  function rerun(): void {
    pending = false;
    timer = null;
    const started = performance.now();
    lastMs = started;
    runner();
    // The redraw this sets off runs in Vue's flush (microtasks): the next task sees it done.
    setTimeout(() => (lastCostMs = performance.now() - started), 0);
  }

  function schedule(): void {
    if (pending) return;
    pending = true;
    const interval = intervalMs();
    const wait = lastMs + (interval > 0 ? Math.max(interval, costFactor * lastCostMs) : 0) - performance.now();
    if (wait <= 0) queueMicrotask(rerun);
    else timer = setTimeout(rerun, wait);
  }

  onScopeDispose(() => {
    runner.effect.stop();
    if (timer) clearTimeout(timer);
  });
  return value;
}
