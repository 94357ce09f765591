// Runs a plugin's install.sh under supervision: own process group, time limit, output kept.

import { formatDuration } from "../config/units.ts";
import { badRequest } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { LineSplitter } from "../supervisor/line-splitter.ts";

export interface ScriptOptions {
  /** The private working folder holding install.sh. */
  cwd: string;
  args: readonly string[];
  timeoutMs: number;
  logger: Logger;
  /** How many of the last output lines an error message quotes. */
  tailLines?: number;
}

/**
 * Runs `/bin/sh install.sh args…` in `cwd`. Every output line goes to the log; on a non-zero
 * exit or a timeout (after which the whole process group is killed) it throws 400 with the
 * exit status and the last lines printed.
 */
export async function runInstallScript(options: ScriptOptions): Promise<void> {
  const { cwd, args, timeoutMs, logger } = options;
  const child = Bun.spawn(["/bin/sh", "install.sh", ...args], {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group, so a timeout kills whatever the script started too.
    detached: true,
  });
  const lines: string[] = [];
  const keep = options.tailLines ?? 20;
  const collect = (stream: "stdout" | "stderr") => (line: string) => {
    logger.info(line, { stream, script: "install.sh" });
    lines.push(line);
    if (lines.length > keep) lines.shift();
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const [code] = await Promise.all([
    child.exited,
    eachLine(child.stdout, collect("stdout")),
    eachLine(child.stderr, collect("stderr")),
  ]).finally(() => clearTimeout(timer));
  // Whatever the script left running in its group must not outlive the install.
  killGroup(child.pid);
  const tail = lines.length > 0 ? `; last output:\n${lines.join("\n")}` : "; it printed nothing";
  if (timedOut) {
    throw badRequest(
      `install.sh did not finish within ${formatDuration(timeoutMs)} (plugin.installTimeout) and was killed${tail}`,
    );
  }
  if (code !== 0) {
    const how = child.signalCode
      ? `was killed by ${child.signalCode}`
      : `exited with status ${code}`;
    throw badRequest(`install.sh ${how}${tail}`);
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

/**
 * Calls `onLine` for each line of a byte stream, the last unterminated one included. Lines are
 * split as the supervisor splits a plugin's output; none is cut unless `maxLength` is given.
 */
export async function eachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  maxLength = Number.POSITIVE_INFINITY,
): Promise<void> {
  const splitter = new LineSplitter(maxLength, onLine);
  for await (const chunk of stream) splitter.push(chunk);
  splitter.end();
}
