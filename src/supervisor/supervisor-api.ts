// The supervisor's public face: its states, its status, its options and its methods.

import type { BackoffOptions } from "./backoff.ts";
import type { ChildProcess } from "./child-process.ts";
import type { Clock } from "./clock.ts";
import type { OutputBuffer } from "./output-buffer.ts";
import type { ProgramOptions, SpawnFn } from "./spawn.ts";

/**
 * The state of a supervised program, with eKuiper's names:
 * - `initializing`: a process was started and is not ready yet (its handshake is pending);
 * - `running`: the process is ready;
 * - `error`: the last process failed; a restart is pending, or errMsg says the supervisor gave up;
 * - `stop`: never started, or stopped on request; nothing will start it again by itself.
 */
export type SupervisorStatus = "initializing" | "running" | "error" | "stop";

/** What `GET …/status` shows of the process. */
export interface SupervisorState {
  readonly status: SupervisorStatus;
  /** Why the last process failed, with its last output lines; "" once a process is ready. */
  readonly errMsg: string;
  /** The live process id, or 0 when there is none. */
  readonly pid: number;
  /** How many times a process was started again since `start()`. */
  readonly restarts: number;
  /** When the live process started (ISO 8601), or null when there is none. */
  readonly startedAt: string | null;
}

export interface SupervisorOptions extends ProgramOptions {
  /** Time source for back-off and grace periods (default: the real clock). */
  readonly clock?: Clock;
  /** How processes are spawned (default: Bun.spawn in a new process group). */
  readonly spawn?: SpawnFn;
  /** Restart policy; unnamed settings take `defaultBackoff`. */
  readonly backoff?: Partial<BackoffOptions>;
  /** SIGTERM to SIGKILL, in milliseconds (default 5000, `portable.stopTimeout`). */
  readonly stopGraceMs?: number;
  /** If set, the pid file kept while a process runs (see orphans.ts). */
  readonly pidFile?: string;
  /**
   * Called after each spawn; the process becomes `running` when it resolves (or earlier, by
   * `markRunning`). A rejection is a failed start: the process is killed and counted as a
   * crash. The portable layer waits for the handshake and replays start commands here.
   */
  readonly onStarted?: (child: ChildProcess) => Promise<void>;
}

/** A supervised program. Methods that change state run one at a time, in call order. */
export interface Supervisor {
  readonly name: string;
  /** The last output lines of every process of this program, across restarts. */
  readonly output: OutputBuffer;
  /** The current (or last) process; null before the first start. */
  readonly child: ChildProcess | null;
  status(): SupervisorState;
  /**
   * Starts the program if it is stopped. Resolves when the process is ready; rejects with
   * errMsg if that process fails first (restarts still follow the back-off) or is stopped.
   * If the program is already started, answers for the current process instead.
   */
  start(): Promise<void>;
  /** The current process is ready: `initializing` becomes `running`. Otherwise does nothing. */
  markRunning(): void;
  /** Stops the process if any and starts a new one, forgetting past crashes; as `start()`. */
  restartNow(): Promise<void>;
  /** Ends the process (SIGTERM, then SIGKILL after the grace); no restart follows. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
