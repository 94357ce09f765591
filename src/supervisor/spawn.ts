// Spawning a child as the leader of its own process group; the seam tests replace with fakes.

import { constants } from "node:os";
import { errnoCode, InternalError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";

/** How a child ended: an exit code, or the signal that killed it. */
export interface ExitResult {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface SpawnRequest {
  /** The program and its arguments; the program is looked up in `env.PATH` if not a path. */
  readonly command: readonly string[];
  readonly cwd: string;
  /** The whole environment of the child; nothing is inherited from plugd. */
  readonly env: Readonly<Record<string, string>>;
}

/** The program to run and its name: what a ChildProcess and a Supervisor are both given. */
export interface ProgramOptions extends SpawnRequest {
  /** Name in log lines and messages (the plugin name). */
  readonly name: string;
  /** Each output line is logged here at info, with `plugin` and `stream` fields. */
  readonly logger: Logger;
}

/** A running child process as the supervisor sees it. */
export interface SpawnedProcess {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves once, when the child itself (not its group) has exited and been reaped. */
  readonly exited: Promise<ExitResult>;
  /** Sends `signal` to every process in the child's group; a group already gone is no error. */
  signalGroup(signal: "SIGTERM" | "SIGKILL"): void;
  /**
   * Called once after the child exited and its group was sent SIGKILL: ends what else it left
   * (its cgroup, see cgroup-spawn.ts) and frees what the spawn took. Never rejects.
   */
  release?(): Promise<void>;
}

/** Starts a child; throws if it cannot be started (no such program, bad cwd…). */
export type SpawnFn = (request: SpawnRequest) => SpawnedProcess;

/**
 * The real spawn. `detached: true` makes Bun call setsid(), so the child leads a new session
 * and process group whose id is its pid: one kill(-pid) reaches everything it started, and a
 * Ctrl-C meant for plugd's terminal does not reach plugins behind plugd's back.
 */
export const bunSpawn: SpawnFn = (request) => {
  if (request.command.length === 0)
    throw new InternalError("cannot start a child: the command is empty");
  const proc = Bun.spawn([...request.command], {
    cwd: request.cwd,
    env: { ...request.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  return {
    pid: proc.pid,
    stdout: proc.stdout,
    stderr: proc.stderr,
    exited: proc.exited.then(() => ({ code: proc.exitCode, signal: signalName(proc.signalCode) })),
    signalGroup: (signal) => signalGroup(proc.pid, signal),
  };
};

/** "SIGKILL" for a signal given by name or number (Bun types allow both). */
function signalName(signal: string | number | null): string | null {
  if (typeof signal !== "number") return signal;
  const entry = Object.entries(constants.signals).find(([, number]) => number === signal);
  return entry === undefined ? `signal ${signal}` : entry[0];
}

/** kill(-pgid, signal), where a group with no process left is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  sendSignal(-pgid, signal);
}

/** kill(2): a negative `target` names a process group; one already gone (ESRCH) is no error. */
export function sendSignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch (error) {
    if (errnoCode(error) !== "ESRCH") throw error;
  }
}
