// The throttled computed behind live panels: a change that is due sooner than the update already
// waiting brings it forward (the runs ended, the interval fell to 0), so a panel never shows a
// stale selection for the length of a stretched live interval.
import { describe, expect, it } from 'vitest';
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
    streaming.value = false;
    n.value = 3; // due now, sooner than the held update: brought forward
    await settle();
    expect(value.value).toBe(3);
    scope.stop();
  });
});
