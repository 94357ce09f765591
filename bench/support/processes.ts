// Helpers for benchmarks that run plugd or a reference program as a separate process.
import { join } from "node:path";
import type { Subprocess } from "bun";
import { serveArgs } from "../../test/support/plugd-process.ts";

export const repoRoot = join(import.meta.dir, "..", "..");

/** Resident set size of `pid` in bytes (VmRSS), or 0 when it cannot be read. */
export async function rssOf(pid: number): Promise<number> {
  try {
    const status = await Bun.file(`/proc/${pid}/status`).text();
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples RSS of `pid` every 2 ms while `work` runs; returns the work's result and the peak. */
export async function peakRssDuring<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peak: number }> {
  let peak = await rssOf(pid);
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, await rssOf(pid));
      await Bun.sleep(2);
    }
  })();
  try {
    const result = await work();
    return { result, peak };
  } finally {
    running = false;
    await sampler;
  }
}

/** Waits until GET `url` answers 200. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await Bun.sleep(5);
  }
}

/** Starts plugd from source on `port` with `home`; stdout/stderr are discarded. */
/** The command that serves `home` from source on 127.0.0.1:`port`. */
export function plugdCommand(home: string, port: number): string[] {
  return [process.execPath, join(repoRoot, "src", "main.ts"), ...serveArgs(home, port)];
}

export function startPlugdProcess(
  home: string,
  port: number,
  env: Record<string, string> = {},
): Subprocess {
  return Bun.spawn(plugdCommand(home, port), {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, ...env },
  });
}

/** A free TCP port on loopback. */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const port = probe.port ?? 0;
  probe.stop(true);
  return port;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const MiB = 1024 * 1024;

/** Spawns `cmd` and resolves with the first line it prints on stdout. */
export async function spawnForLine(
  cmd: string[],
): Promise<{ proc: Subprocess<"ignore", "pipe", "inherit">; line: string }> {
  const proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${cmd.join(" ")} ended before printing a line`);
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return { proc, line: text.split("\n")[0] ?? "" };
}
