// readOutput(): reads a child's output pipe in bounded pieces, letting the event loop run between;
// settledWithin(): waits for the pipes to end, but not forever.
import type { Clock } from "./clock.ts";

/** The most bytes of a child's output handled in one turn of the event loop. */
export const outputChunkBytes = 64 * 1024;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `onChunk` with the bytes of `stream` until it ends, in pieces of at most
 * `outputChunkBytes`, each in its own turn of the event loop (a larger read is cut), so a
 * flooding child cannot hold plugd's loop (requests, timers) for more than one piece at a time.
 * When `signal` aborts, the stream is cancelled and the call resolves. Rejects as the read does.
 */
export async function readOutput(
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = stream.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    if (signal?.aborted) return cancel();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (let at = 0; at < value.length; at += outputChunkBytes) {
        onChunk(value.subarray(at, at + outputChunkBytes));
        // A read of a full pipe resolves at once, in a microtask: without this turn a child
        // that writes as fast as plugd reads would starve every request and timer.
        await nextTurn();
      }
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}

/** True when every one of `work` settled within `ms` on `clock`; false when some still runs. */
export async function settledWithin(
  work: readonly Promise<unknown>[],
  ms: number,
  clock: Clock,
): Promise<boolean> {
  let settled = false;
  const all = Promise.allSettled(work).then(() => {
    settled = true;
  });
  const { promise: late, resolve } = Promise.withResolvers<void>();
  const timer = clock.setTimeout(resolve, ms);
  await Promise.race([all, late]);
  clock.clearTimeout(timer);
  return settled;
}
