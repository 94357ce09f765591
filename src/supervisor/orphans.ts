// Pid files and the start-up sweep that ends plugin processes a crashed plugd left behind.
//
// Why pid files: Linux can tie a child's life to its parent with prctl(PR_SET_PDEATHSIG), but
// that call must run in the child between fork and exec, and Bun.spawn offers no hook or option
// for it (nor does a shell wrapper help: the signal would follow the wrapper, not plugd). A
// plugd killed with SIGKILL therefore leaves its detached children running; they would reconnect
// to the next plugd's listener and answer in a new process's place. So each child's pid and
// start time go to a file, and the next plugd ends those process groups before it listens.

import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { errnoCode } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { readProcStat } from "./proc-stat.ts";
import { sendSignal } from "./spawn.ts";

/** What a pid file holds: "<pid> <start time>\n". */
export interface PidRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when the file was written. */
  readonly startTime: number;
}

/** Parses a pid file's text; null if it is not "<pid> <start time>". */
export function parsePidFile(text: string): PidRecord | null {
  const match = /^(\d+) (\d+)\n?$/.exec(text);
  if (match === null) return null;
  return { pid: Number(match[1]), startTime: Number(match[2]) };
}

/**
 * Records a running child in `path` (directories are created). Returns false, writing nothing,
 * if the process is already gone: there is nothing left to orphan. Throws on file errors.
 */
export async function writePidFile(path: string, pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  if (stat === null) return false;
  await mkdir(dirname(path), { recursive: true });
  // Written aside and renamed, so a crash mid-write never leaves a half file to misread.
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${pid} ${stat.startTime}\n`);
  await rename(temporary, path);
  return true;
}

/** Removes a pid file; one that is already gone is fine. */
export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * The process a pid file records, if it still runs with the recorded start time (a pid
 * reused by an unrelated process has another start time). Undefined for a missing, malformed
 * (logged) or stale file.
 */
export async function recordedProcess(path: string, logger: Logger): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
  const record = parsePidFile(text);
  if (record === null) {
    logger.warn("ignoring a malformed pid file", { path });
    return undefined;
  }
  const stat = await readProcStat(record.pid);
  if (stat === null || stat.startTime !== record.startTime || stat.state === "Z") return undefined;
  return record.pid;
}

/** SIGKILLs `pid`, and its whole group when it leads one (plugd starts each plugin so). */
export async function killProcessTree(pid: number): Promise<void> {
  const stat = await readProcStat(pid);
  if (stat === null) return;
  sendSignal(stat.pgrp === pid ? -pid : pid, "SIGKILL");
}

/**
 * Ends, with SIGKILL, the process group of every `*.pid` file in `dir` whose process still
 * runs (see recordedProcess), then removes the files. A missing `dir` means nothing to do.
 * Returns the pids it killed. Throws on file-system errors other than a missing directory.
 */
export async function killOrphans(dir: string, logger: Logger): Promise<number[]> {
  const killed: number[] = [];
  for (const name of await listPidFiles(dir)) {
    const path = join(dir, name);
    const pid = await recordedProcess(path, logger);
    if (pid !== undefined) {
      await killProcessTree(pid);
      logger.warn("killed a plugin process left by an earlier run", { path, pid });
      killed.push(pid);
    }
    await removePidFile(path);
  }
  return killed;
}

async function listPidFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(".pid"));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}
