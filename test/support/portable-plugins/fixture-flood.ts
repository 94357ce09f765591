// flood(): the test plugins' output flood, written as fast as the pipe takes it or at a pace.

import type { FloodBehaviour } from "./fixture-behaviour.ts";

const chunkBytes = 64 * 1024;

/** Writes the flood to stdout (awaiting each write, so memory stays flat), then "flood done". */
export async function flood(spec: FloodBehaviour): Promise<void> {
  const lineBytes = Math.max(1, spec.lineBytes ?? 2);
  const line = `${"y".repeat(lineBytes - 1)}\n`;
  const chunk = Buffer.from(line.repeat(Math.max(1, Math.floor(chunkBytes / lineBytes))));
  const total = spec.bytes ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  for (let written = 0; written < total; ) {
    const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
    await Bun.write(Bun.stdout, piece);
    written += piece.length;
    if (spec.bytesPerSecond !== undefined) {
      const due = started + (written / spec.bytesPerSecond) * 1000;
      await Bun.sleep(Math.max(0, due - performance.now()));
    }
  }
  console.error("flood done");
}
