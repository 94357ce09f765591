// Reading /proc/<pid>/stat: whether a process lives, its process group and its start time.

import { readFile } from "node:fs/promises";
import { errnoCode } from "../errors.ts";

/** The fields of /proc/<pid>/stat the supervisor uses (see proc(5)). */
export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), … */
  readonly state: string;
  /** Field 5: the process group id. */
  readonly pgrp: number;
  /** Field 6: the session id. */
  readonly session: number;
  /** Field 22: clock ticks after boot at which the process started; a recycled pid differs. */
  readonly startTime: number;
}

/** Parses the text of /proc/<pid>/stat; null if it is not in the expected shape. */
export function parseProcStat(text: string): ProcStat | null {
  // The command name (field 2) is in parentheses and may itself hold spaces or ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const session = Number(fields[3]);
  const startTime = Number(fields[19]);
  if (state === undefined || ![pgrp, session, startTime].every(Number.isInteger)) return null;
  return { state, pgrp, session, startTime };
}

/** The stat of process `pid`, or null when there is no such process (or no /proc). */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ESRCH") return null;
    throw error;
  }
}

/** True while `pid` is a process that can still run: a zombie has already ended. */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}
