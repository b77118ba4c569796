// A computed value recomputed at most once per interval: panels read streaming runs, and every new
// chunk would otherwise rebuild the panel model and redraw the chart. The first change after a
// quiet spell is applied on the next microtask; a burst shows its latest state when the interval
// ends. An interval of 0 behaves like `computed`, applied a microtask late.
import { effect, onScopeDispose, shallowRef, type ShallowRef } from 'vue';

export function useThrottledComputed<T>(getter: () => T, intervalMs: () => number): Readonly<ShallowRef<T>> {
  const value = shallowRef(undefined as T);
  let lastMs = -Infinity;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const runner = effect(() => {
    value.value = getter();
  }, { scheduler: schedule });

  function rerun(): void {
    pending = false;
    timer = null;
    lastMs = performance.now();
    runner();
  }

  function schedule(): void {
    if (pending) return;
    pending = true;
    const wait = lastMs + intervalMs() - performance.now();
    if (wait <= 0) queueMicrotask(rerun);
    else timer = setTimeout(rerun, wait);
  }

  onScopeDispose(() => {
    runner.effect.stop();
    if (timer) clearTimeout(timer);
  });
  return value;
}
