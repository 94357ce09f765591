// Pid files and the start-up sweep that ends plugin processes a crashed plugd left behind.
//
// Why pid files: Linux can tie a child's life to its parent with prctl(PR_SET_PDEATHSIG), but
// that call must run in the child between fork and exec, and Bun.spawn offers no hook or option
// for it (nor does a shell wrapper help: the signal would follow the wrapper, not plugd). A
// plugd killed with SIGKILL therefore leaves its detached children running; they would reconnect
// to the next plugd's listener and answer in a new process's place. So each child's pid and
// start time go to a file, and the next plugd ends those process groups before it listens.
// A process that calls setsid leaves its group and session; only a cgroup (plugin-cgroups.ts)
// holds it.

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
 * The record of pid file `path`: undefined for a missing or malformed (logged) file. Throws on
 * file errors other than a missing file.
 */
export async function readPidFile(path: string, logger: Logger): Promise<PidRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
  const record = parsePidFile(text);
  if (record === null) logger.warn("ignoring a malformed pid file", { path });
  return record ?? undefined;
}

/**
 * The process a pid file records, if it still runs with the recorded start time (a pid
 * reused by an unrelated process has another start time). Undefined for a missing, malformed
 * (logged) or stale file.
 */
export async function recordedProcess(path: string, logger: Logger): Promise<number | undefined> {
  const record = await readPidFile(path, logger);
  if (record === undefined) return undefined;
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

/** The live processes (not plugd) whose process group or session is `id`, with their groups. */
async function groupMembers(id: number): Promise<{ pid: number; pgrp: number }[]> {
  const members: { pid: number; pgrp: number }[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const stat = await readProcStat(pid);
    if (stat === null || stat.state === "Z" || stat.state === "X") continue;
    if (stat.pgrp === id || stat.session === id) members.push({ pid, pgrp: stat.pgrp });
  }
  return members;
}

/**
 * SIGKILLs what a pid file records: the process, if it still runs with the recorded start
 * time, and every process left in its process group or session, whether or not the leader
 * still runs (a plugin's helpers outlive a leader that exits when plugd goes). Safe because
 * plugd starts each child as the leader of its own session: Linux does not give a pid to a new
 * process while a group or session still bears it as its id, so a process with that group or
 * session id can only be one the child started. A pid that now names a process with another
 * start time was free when it was reused, so the old group was already empty: nothing is
 * killed. Returns the pids killed.
 */
export async function killRecordedGroup(record: PidRecord): Promise<number[]> {
  const leader = await readProcStat(record.pid);
  if (leader !== null && leader.startTime !== record.startTime) return [];
  const members = await groupMembers(record.pid);
  // One kill(-pgid) per group reaches members forked since the scan too.
  for (const pgrp of new Set(members.map((member) => member.pgrp))) sendSignal(-pgrp, "SIGKILL");
  const alone = leader !== null && leader.state !== "Z" && leader.pgrp !== record.pid;
  if (alone) sendSignal(record.pid, "SIGKILL");
  const pids = members.map((member) => member.pid);
  return alone ? [record.pid, ...pids] : pids;
}

/**
 * Ends, with SIGKILL, what every `*.pid` file in `dir` records (see killRecordedGroup), then
 * removes the files. A missing `dir` means nothing to do. Returns the pids it killed. Throws
 * on file-system errors other than a missing directory.
 */
export async function killOrphans(dir: string, logger: Logger): Promise<number[]> {
  const killed: number[] = [];
  for (const name of await listPidFiles(dir)) {
    const path = join(dir, name);
    const record = await readPidFile(path, logger);
    const pids = record === undefined ? [] : await killRecordedGroup(record);
    if (pids.length > 0) {
      logger.warn("killed plugin processes left by an earlier run", {
        path,
        pid: record?.pid,
        killed: pids,
      });
      killed.push(...pids);
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
