// Ending plugin processes of an earlier plugd run before a plugin's sockets are opened again.
//
// Why here as well as killOrphans() at plugd's start: an orphan reconnects to the new listener
// and, with REQ resend on, answers in the new process's place (portable-protocol.md, Part C).
// killOrphans() only knows processes recorded in pid files; a plugd killed before writing one,
// or run with another data folder, leaves processes it cannot see. Those are recognised here by
// what plugd (and eKuiper) launch: working directory = the plugin's folder and the PortableConfig
// JSON as last argument. A shell opened in that folder does not match.

import { readdir, readFile, readlink, realpath } from "node:fs/promises";
import type { Logger } from "../log/logger.ts";
import {
  killProcessTree,
  killRecordedGroup,
  readPidFile,
  removePidFile,
} from "../supervisor/orphans.ts";
import { isAlive } from "../supervisor/proc-stat.ts";
import { PORTABLE_CONFIG_ARG } from "./launch.ts";

export interface SweepOptions {
  /** The plugin's folder, its processes' working directory. */
  readonly dir: string;
  /** The pid file the supervisor keeps for this plugin, if any. */
  readonly pidFile?: string | undefined;
  /** Also look through /proc for processes launched in `dir` (default true). */
  readonly scan?: boolean | undefined;
  readonly logger: Logger;
  /** Pids of the plugin processes this plugd runs now; never taken for orphans. */
  readonly owned: ReadonlySet<number>;
  /** How long to wait for killed processes to be gone (default 2 s). */
  readonly waitMs?: number;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch(() => undefined);
}

/** Whether process `pid` was launched as a portable plugin in folder `dir`. */
async function launchedIn(pid: number, dir: string): Promise<boolean> {
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  if (cwd !== dir) return false;
  const args = (await readText(`/proc/${pid}/cmdline`))?.split("\0").filter((a) => a !== "");
  return args?.at(-1) === PORTABLE_CONFIG_ARG;
}

async function scannedOrphans(dir: string, owned: ReadonlySet<number>): Promise<number[]> {
  const real = await realpath(dir).catch(() => dir);
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || owned.has(pid)) continue;
    if (await launchedIn(pid, real)) found.push(pid);
  }
  return found;
}

async function waitGone(pids: number[], waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (const pid of pids) {
    // Not our children, so no exit event: poll until init has reaped them.
    while ((await isAlive(pid)) && Date.now() < deadline) await Bun.sleep(10);
  }
}

/**
 * SIGKILLs the leftover processes of one plugin (what the pid file records, its group and
 * session included even when their leader is gone, and with `scan` the processes launched in
 * its folder that this plugd does not own) and waits until they are gone, so that their
 * connections are closed before the plugin's sockets listen. Returns their pids.
 */
export async function endOrphans(options: SweepOptions): Promise<number[]> {
  const found = new Set<number>();
  if (options.pidFile !== undefined) {
    const record = await readPidFile(options.pidFile, options.logger);
    const owned = record !== undefined && options.owned.has(record.pid);
    if (record !== undefined && !owned) {
      const killed = await killRecordedGroup(record);
      if (killed.length > 0)
        options.logger.warn("killing a process of this plugin left by an earlier run", {
          pid: record.pid,
          killed,
        });
      for (const pid of killed) found.add(pid);
    }
    if (!owned) await removePidFile(options.pidFile);
  }
  const scanned = (options.scan ?? true) ? await scannedOrphans(options.dir, options.owned) : [];
  for (const pid of scanned) {
    if (found.has(pid)) continue;
    options.logger.warn("killing a process of this plugin left by an earlier run", { pid });
    await killProcessTree(pid);
    found.add(pid);
  }
  const pids = [...found];
  await waitGone(pids, options.waitMs ?? 2000);
  return pids;
}
