// One cgroup v2 directory: run a command inside it, end everything in it, remove it.

import { mkdirSync, writeFileSync } from "node:fs";
import { readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode, InternalError } from "../errors.ts";
import { sendSignal } from "./spawn.ts";

/** A plugin process's own cgroup, made by PluginCgroups.create. */
export interface PluginCgroup {
  /** The cgroup's directory under the cgroup2 mount. */
  readonly dir: string;
  /**
   * `command` run through /bin/sh, which moves itself into this cgroup and then execs the
   * command (same pid): Bun.spawn has no hook between fork and exec, and this way nothing the
   * command starts can run before it is in the cgroup.
   */
  wrap(command: readonly string[]): string[];
  /**
   * SIGKILLs every process in the cgroup (setsid does not leave a cgroup), waits until it is
   * empty and removes it. Calls after the first share its promise. Throws InternalError if the
   * cgroup still holds processes after `waitMs`.
   */
  kill(): Promise<void>;
}

/** Moves the shell into the cgroup named by $1, then runs the rest of the arguments in its place. */
const ENTER = 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"';

/** The shell command that runs `command` in cgroup `dir` (see PluginCgroup.wrap). */
export function wrapInCgroup(dir: string, command: readonly string[]): string[] {
  return ["/bin/sh", "-c", ENTER, "sh", dir, ...command];
}

/**
 * Makes cgroup `dir` and writes `files` (e.g. memory.max) in it. Synchronous, like spawning.
 * Throws what mkdir or the writes throw.
 */
export function createCgroup(dir: string, files: Readonly<Record<string, string>>): PluginCgroup {
  mkdirSync(dir);
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), value);
  let killing: Promise<void> | undefined;
  return {
    dir,
    wrap: (command) => wrapInCgroup(dir, command),
    kill: () => {
      killing ??= killCgroup(dir);
      return killing;
    },
  };
}

/**
 * Ends cgroup `dir` whole: its child cgroups first, then `cgroup.kill` (Linux 5.14; before
 * that, SIGKILL to each pid in `cgroup.procs` until none is left), then rmdir. A cgroup that is
 * already gone is fine. Throws InternalError if it is not empty after `waitMs` (default 5 s).
 */
export async function killCgroup(dir: string, waitMs = 5000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (const child of await childCgroups(dir)) await killCgroup(join(dir, child), waitMs);
  const hasKill = await writeFile(join(dir, "cgroup.kill"), "1").then(
    () => true,
    (error: unknown) => {
      if (errnoCode(error) === "ENOENT") return false;
      throw error;
    },
  );
  for (;;) {
    const pids = await cgroupPids(dir);
    if (pids === undefined) return;
    if (pids.length === 0 && (await removeCgroup(dir))) return;
    if (!hasKill) for (const pid of pids) sendSignal(pid, "SIGKILL");
    if (Date.now() > deadline)
      throw new InternalError(`cgroup ${dir} still holds processes ${pids.join(", ")}`);
    // Killed processes leave the cgroup as they exit; no event tells us, so look again soon.
    await Bun.sleep(5);
  }
}

/** The pids in cgroup `dir`, or undefined when the cgroup is gone. */
export async function cgroupPids(dir: string): Promise<number[] | undefined> {
  try {
    const text = await readFile(join(dir, "cgroup.procs"), "utf8");
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map(Number);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** The names of the cgroups right under `dir` (none if `dir` is gone). */
export async function childCgroups(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}

/** rmdir; false while the cgroup is busy (a process not yet out), true once it is gone. */
async function removeCgroup(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT") return true;
    if (code === "EBUSY") return false;
    throw error;
  }
}
