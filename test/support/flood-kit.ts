// Measuring floods against a test server: /ping while work runs, and what the log kept of output.

import type { TestServer } from "./server.ts";

export interface Pinged<T> {
  readonly result: T;
  /** The slowest /ping answer seen while the work ran, in ms. */
  readonly worstPingMs: number;
  readonly pings: number;
}

/** Runs `work` while asking /ping back to back (every answer must be 200); the worst latency. */
export async function pingDuring<T>(
  server: TestServer,
  work: () => Promise<T>,
): Promise<Pinged<T>> {
  let done = false;
  let worstPingMs = 0;
  let pings = 0;
  const pinging = (async () => {
    do {
      const start = performance.now();
      const res = await server.request("/ping");
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/ping answered ${res.status}`);
      worstPingMs = Math.max(worstPingMs, performance.now() - start);
      pings++;
    } while (!done);
  })();
  try {
    const result = await work();
    return { result, worstPingMs, pings };
  } finally {
    done = true;
    await pinging;
  }
}

export interface OutputLogged {
  /** Output lines written to the log (records with a `stream` field). */
  readonly lines: number;
  /** Bytes of those records and of the drop reports, as JSON lines. */
  readonly bytes: number;
  /** The sum of the `dropped` counts reported. */
  readonly dropped: number;
}

/** What the server's log holds of child output whose records match `which`. */
export function outputLogged(
  server: TestServer,
  which: (record: Record<string, unknown>) => boolean,
): OutputLogged {
  let lines = 0;
  let bytes = 0;
  let dropped = 0;
  for (const record of server.logs) {
    if (!which(record)) continue;
    const isLine = typeof record.stream === "string";
    const drop = typeof record.dropped === "number" ? record.dropped : 0;
    if (!isLine && drop === 0) continue;
    if (isLine) lines++;
    dropped += drop;
    bytes += JSON.stringify(record).length + 1;
  }
  return { lines, bytes, dropped };
}
