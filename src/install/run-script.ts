// Runs a plugin's install.sh under supervision: own process group, time limit, output kept.
import type { Subprocess } from "bun";

import { formatDuration } from "../config/units.ts";
import { badRequest } from "../errors.ts";
import { LineLimiter } from "../log/line-limiter.ts";
import type { Logger } from "../log/logger.ts";
import type { PluginCgroup } from "../supervisor/cgroup.ts";
import { realClock } from "../supervisor/clock.ts";
import { LineSplitter, maxLineLength } from "../supervisor/line-splitter.ts";
import { readOutput } from "../supervisor/read-output.ts";
import { LastLines } from "./last-lines.ts";

export interface ScriptOptions {
  /** The private working folder holding install.sh. */
  cwd: string;
  args: readonly string[];
  timeoutMs: number;
  logger: Logger;
  /** Names the script in log lines ("install.sh of plugin x"). */
  label?: string;
  /** Where plugd may make cgroups, the script runs in one, ended whole (setsid helpers too). */
  cgroup?: PluginCgroup | undefined;
  /** How many of the last output lines an error message quotes (default 20). */
  tailLines?: number;
  /** How many bytes of output an error message quotes at most (default 4 KiB). */
  tailBytes?: number;
}

/**
 * Runs `/bin/sh install.sh args…` in `cwd`. Its output lines, each cut at `maxLineLength`, go
 * to the log through a rate limit; on a non-zero exit or a timeout (after which the whole
 * process group, or its cgroup, is killed and its output no longer waited for) it throws 400
 * with the exit status and the last lines printed, bounded in count and bytes.
 */
export async function runInstallScript(options: ScriptOptions): Promise<void> {
  const { cwd, args, cgroup } = options;
  const command = ["/bin/sh", "install.sh", ...args];
  const child = Bun.spawn(cgroup ? cgroup.wrap(command) : command, {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group, so a timeout kills whatever the script started too.
    detached: true,
  });
  const last = new LastLines(options.tailLines ?? 20, options.tailBytes ?? 4096);
  const { code, timedOut } = await supervise(child, options, last);
  const tail = last.isEmpty() ? "; it printed nothing" : `; last output:\n${last.text()}`;
  if (timedOut) {
    throw badRequest(
      `install.sh did not finish within ${formatDuration(options.timeoutMs)} (plugin.installTimeout) and was killed${tail}`,
    );
  }
  if (code !== 0) {
    const how = child.signalCode
      ? `was killed by ${child.signalCode}`
      : `exited with status ${code}`;
    throw badRequest(`install.sh ${how}${tail}`);
  }
}

/**
 * Reads the script's output into the log (rate-limited) and `last` until it exits, or until
 * the timeout ends it; either way whatever it left running is ended before this resolves.
 */
async function supervise(
  child: Subprocess<"ignore", "pipe", "pipe">,
  options: ScriptOptions,
  last: LastLines,
) {
  const { logger, cgroup } = options;
  const end = () => endScript(child.pid, cgroup, logger);
  const source = options.label ?? "install.sh";
  const limiter = new LineLimiter({ logger, clock: realClock, source });
  const collect = (stream: "stdout" | "stderr") => (line: string) => {
    limiter.info(line, { stream, script: "install.sh" });
    last.push(line);
  };
  const stopReading = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void end();
    // A process that left the group may hold the pipes open; the install does not wait for it.
    stopReading.abort();
  }, options.timeoutMs);
  const read = { maxLength: maxLineLength, signal: stopReading.signal };
  const [code] = await Promise.all([
    child.exited,
    eachLine(child.stdout, collect("stdout"), read),
    eachLine(child.stderr, collect("stderr"), read),
  ]).finally(() => {
    clearTimeout(timer);
    limiter.close();
  });
  // Whatever the script left running must not outlive the install.
  await end();
  return { code, timedOut };
}

/** Ends the script's process group and, if it has one, its cgroup (logged if that fails). */
async function endScript(pid: number, cgroup: PluginCgroup | undefined, logger: Logger) {
  killGroup(pid);
  await cgroup?.kill().catch((error: unknown) => {
    logger.error("could not end install.sh's cgroup", { error });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

export interface EachLineOptions {
  /** Characters kept of one line; the rest is cut (default: none is cut). */
  maxLength?: number;
  /** Stops reading: the stream is cancelled and the call resolves. */
  signal?: AbortSignal;
}

/**
 * Calls `onLine` for each line of a byte stream, the last unterminated one included. Lines are
 * split as the supervisor splits a plugin's output, in bounded pieces (see readOutput).
 */
export async function eachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  options: EachLineOptions = {},
): Promise<void> {
  const splitter = new LineSplitter(options.maxLength ?? Number.POSITIVE_INFINITY, onLine);
  await readOutput(stream, (chunk) => splitter.push(chunk), options.signal);
  splitter.end();
}
