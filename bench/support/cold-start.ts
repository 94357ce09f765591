// One cold start of a server binary: milliseconds from exec to the first 200 on /ping, idle RSS.
import { readdirSync, readFileSync } from "node:fs";
import { freePort, rssOf } from "./processes.ts";

export interface ColdStart {
  /** From just before spawn to the first 200 answer on /ping. */
  readyMs: number;
  /** CPU time all its threads had used by then: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** VmRSS `idleMs` after that answer. */
  idleRss: number;
  /**
   * The anonymous part of it (heap, JIT code): the rest is the binary's pages, which count more
   * or less depending on how much of the file the page cache holds (a fresh build: all of it).
   */
  idleAnon: number;
}

/**
 * Starts `command(port)` on a free port, polls GET /ping as fast as it can (a refused connection
 * costs well under a millisecond), reads the RSS after `idleMs` of quiet, and stops the process.
 */
export async function coldStart(
  command: (port: number) => string[],
  idleMs: number,
): Promise<ColdStart> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/ping`;
  const started = performance.now();
  const proc = Bun.spawn(command(port), { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  try {
    for (;;) {
      const status = await fetch(url).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) break;
      if (proc.exitCode !== null)
        throw new Error(`${command(port)[0]} exited with ${proc.exitCode}`);
      if (performance.now() - started > 30_000) throw new Error(`${url} did not answer in 30 s`);
    }
    const readyMs = performance.now() - started;
    const cpuMs = cpuTime(proc.pid);
    await Bun.sleep(idleMs);
    const anonKiB = /^Anonymous:\s+(\d+)/m.exec(
      readFileSync(`/proc/${proc.pid}/smaps_rollup`, "utf8"),
    );
    return {
      readyMs,
      cpuMs,
      idleRss: await rssOf(proc.pid),
      idleAnon: Number(anonKiB?.[1]) * 1024,
    };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

/** Milliseconds on a CPU of every thread of `pid` (schedstat's first field is in nanoseconds). */
function cpuTime(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0] ?? 0);
  }
  return ns / 1e6;
}
