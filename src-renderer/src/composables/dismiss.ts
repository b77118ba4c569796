// Popovers close on Esc and on a click outside them.
import { onBeforeUnmount, onMounted, ref } from 'vue';

export function useDismiss(isOpen: () => boolean, close: () => void) {
  const root = ref<HTMLElement | null>(null);

  function onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && isOpen()) close();
  }

  function onPointer(event: PointerEvent): void {
    if (isOpen() && root.value && event.target instanceof Node && !root.value.contains(event.target)) close();
  }

  onMounted(() => {
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
  });
  onBeforeUnmount(() => {
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('pointerdown', onPointer);
  });
  return root;
}
