// The throttled computed behind live panels: a change that is due sooner than the update already
// waiting brings it forward (the runs ended, the interval fell to 0), so a panel never shows a
// stale selection for the length of a stretched live interval; that update waits for the next
// frame, so what ended the stream is painted before the panels rebuild. While held (a panel's new
// runs' data on their way), the value stays and the getter does not run; released, it shows the
// latest state in one update.
import { describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useThrottledComputed } from '../../src-renderer/src/composables/throttled-computed';

const settle = async () => {
  await nextTick();
  await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('useThrottledComputed', () => {
  it('holds changes for the interval while it is positive, and applies at once when it falls to 0', async () => {
    const scope = effectScope();
    const streaming = ref(true);
    const n = ref(0);
    const value = scope.run(() => useThrottledComputed(() => n.value, () => (streaming.value ? 60_000 : 0)))!;
    expect(value.value).toBe(0);
    n.value = 1; // first change after a quiet spell: applied on the next microtask
    await settle();
    expect(value.value).toBe(1);
    n.value = 2; // within the interval: held
    await settle();
    expect(value.value).toBe(1);
    const frames = manualAnimationFrames();
    try {
      streaming.value = false;
      n.value = 3; // due now, sooner than the held update: brought forward to just after the next frame
      await settle();
      expect(value.value).toBe(1);
      frames.run();
      await settle();
      expect(value.value).toBe(3);
      n.value = 4; // no longer streaming: applied on the next microtask, no frame needed
      await settle();
      expect(value.value).toBe(4);
      expect(frames.asked()).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
    scope.stop();
  });

  it('while held keeps the value shown and runs nothing, then applies the latest state once', async () => {
    const scope = effectScope();
    const waiting = ref(false);
    const n = ref(0);
    let reads = 0;
    const value = scope.run(() => useThrottledComputed(() => (reads++, n.value), () => 0, () => waiting.value))!;
    expect([value.value, reads]).toEqual([0, 1]);
    waiting.value = true;
    n.value = 1;
    await settle();
    n.value = 2;
    await settle();
    expect([value.value, reads]).toEqual([0, 1]);
    waiting.value = false;
    await settle();
    expect([value.value, reads]).toEqual([2, 2]);
    n.value = 3;
    await settle();
    expect(value.value).toBe(3);
    scope.stop();
  });

  it('computes a first value even when held from the start', async () => {
    const scope = effectScope();
    const value = scope.run(() => useThrottledComputed(() => 'first', () => 0, () => true))!;
    expect(value.value).toBe('first');
    scope.stop();
  });

  it('drops the frame it waits for when its scope ends', async () => {
    const frames = manualAnimationFrames();
    try {
      const scope = effectScope();
      const streaming = ref(true);
      const n = ref(0);
      let reads = 0;
      scope.run(() => useThrottledComputed(() => (reads++, n.value), () => (streaming.value ? 60_000 : 0)));
      n.value = 1;
      await settle();
      streaming.value = false;
      n.value = 2;
      await settle();
      expect(frames.asked()).toBe(1);
      const readsBefore = reads;
      scope.stop();
      frames.run();
      await settle();
      expect(reads).toBe(readsBefore);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

/** requestAnimationFrame by hand: `run()` runs the frame callbacks asked for and not cancelled. */
function manualAnimationFrames() {
  const callbacks = new Map<number, () => void>();
  let handles = 0;
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => (callbacks.set(++handles, callback), handles));
  vi.stubGlobal('cancelAnimationFrame', (handle: number) => callbacks.delete(handle));
  return {
    asked: () => handles,
    run: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      due.forEach((callback) => callback());
    },
  };
}
