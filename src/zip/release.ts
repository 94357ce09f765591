// Frees the memory of buffers an extraction owns as soon as their bytes are stored.

/** Buffers smaller than this are left to the garbage collector: freeing them saves little. */
const releaseMin = 16 * 1024;

/**
 * Frees the memory behind `views` now, not at some later garbage collection: a plugin of many
 * files inflates hundreds of MiB through buffers of a few hundred KiB each, and left to the
 * collector they pile up to tens of MiB. Only for buffers that the caller allocated itself and
 * that nothing else holds; each distinct buffer is freed once, and a view of it reads as empty
 * afterwards.
 */
export function release(views: readonly Uint8Array[]): void {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) {
    if (view.buffer instanceof ArrayBuffer && view.buffer.byteLength >= releaseMin) {
      buffers.add(view.buffer);
    }
  }
  // transfer(0) hands the bytes to a new empty buffer and detaches this one, freeing its store.
  for (const buffer of buffers) if (!buffer.detached) buffer.transfer(0);
}
