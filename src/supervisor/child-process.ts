// ChildProcess: one run of a supervised program: spawn, output capture, group stop, pid file.

import { InternalError } from "../errors.ts";
import { type LineLimiter, outputLimiter } from "../log/line-limiter.ts";
import type { Logger } from "../log/logger.ts";
import { type Clock, realClock } from "./clock.ts";
import { removePidFile, writePidFile } from "./orphans.ts";
import { OutputBuffer, type OutputStream } from "./output-buffer.ts";
import { readOutput, settledWithin } from "./read-output.ts";
import {
  bunSpawn,
  type ExitResult,
  type ProgramOptions,
  type SpawnedProcess,
  type SpawnFn,
} from "./spawn.ts";

export interface ChildProcessOptions extends ProgramOptions {
  /** Where output lines are kept; the supervisor shares one across restarts. */
  readonly output?: OutputBuffer | undefined;
  /** Between the output and the log; the supervisor shares one across restarts. */
  readonly limiter?: LineLimiter | undefined;
  readonly spawn?: SpawnFn | undefined;
  readonly clock?: Clock | undefined;
  /** If set, this file records the child while it runs, for `killOrphans`. */
  readonly pidFile?: string | undefined;
  /** After the child exits, how long to wait for its output pipes to close (default 1 s). */
  readonly drainMs?: number | undefined;
}

/**
 * One child process. `start()` spawns it as the leader of its own process group; when the
 * leader exits the rest of the group is killed too, so a plugin's helpers never outlive it.
 */
export class ChildProcess {
  readonly name: string;
  readonly output: OutputBuffer;
  /** Resolves once the child has exited, its group is gone, its output read, its pid file removed. */
  readonly exited: Promise<ExitResult>;
  readonly #options: ChildProcessOptions;
  readonly #log: Logger;
  readonly #limiter: LineLimiter;
  readonly #clock: Clock;
  readonly #resolveExited: (result: ExitResult) => void;
  #proc: SpawnedProcess | null = null;
  #startedAt: number | null = null;
  #exitResult: ExitResult | null = null;
  #firstSeq = 0;

  constructor(options: ChildProcessOptions) {
    this.#options = options;
    this.name = options.name;
    this.output = options.output ?? new OutputBuffer();
    this.#log = options.logger.child({ plugin: options.name });
    this.#clock = options.clock ?? realClock;
    // One limiter for both streams: the rate is per plugin, whichever stream floods.
    this.#limiter = options.limiter ?? outputLimiter(options.name, this.#log, this.#clock);
    const { promise, resolve } = Promise.withResolvers<ExitResult>();
    this.exited = promise;
    this.#resolveExited = resolve;
  }

  /** The process id; 0 before start. */
  get pid(): number {
    return this.#proc?.pid ?? 0;
  }

  /** When the child was started (clock milliseconds), or null before start. */
  get startedAt(): number | null {
    return this.#startedAt;
  }

  /** How the child exited; null before start and while it runs. */
  get exitResult(): ExitResult | null {
    return this.#exitResult;
  }

  /** True from start until the child's exit is seen. */
  get running(): boolean {
    return this.#proc !== null && this.#exitResult === null;
  }

  /** Spawns the child. Throws InternalError if it was started before, or what spawn throws. */
  start(): void {
    if (this.#proc !== null) throw new InternalError(`${this.name} was already started`);
    const { command, cwd, env } = this.#options;
    this.#firstSeq = this.output.nextSeq;
    const proc = (this.#options.spawn ?? bunSpawn)({ command, cwd, env });
    this.#proc = proc;
    this.#startedAt = this.#clock.now();
    const pumps = [this.#pump(proc.stdout, "stdout"), this.#pump(proc.stderr, "stderr")];
    const pidFileWritten = this.#writePidFile(proc.pid);
    void this.#watch(proc, pumps, pidFileWritten);
  }

  /** The last `n` lines this child (not an earlier one) printed, oldest first. */
  lastLines(n = 10): string[] {
    return this.output
      .since(this.#firstSeq)
      .slice(-n)
      .map((line) => line.text);
  }

  /**
   * SIGTERM to the group, then SIGKILL to the group if the child still runs after `graceMs`.
   * Resolves as `exited` does; at once with no code and no signal if never started.
   */
  async stop(graceMs: number): Promise<ExitResult> {
    const proc = this.#proc;
    if (proc === null) return { code: null, signal: null };
    if (this.#exitResult === null) {
      this.#signal(proc, "SIGTERM");
      const timer = this.#clock.setTimeout(() => this.#signal(proc, "SIGKILL"), graceMs);
      await proc.exited;
      this.#clock.clearTimeout(timer);
    }
    return this.exited;
  }

  /** Stops the child with a one-second grace, for `await using` in tests and scripts. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop(1000);
  }

  async #watch(
    proc: SpawnedProcess,
    pumps: Promise<void>[],
    pidFile: Promise<void>,
  ): Promise<void> {
    let result: ExitResult = { code: null, signal: null };
    try {
      result = await proc.exited;
    } catch (error) {
      this.#log.error("could not learn how the child exited", { error });
    }
    this.#exitResult = result;
    // The leader is gone; whatever it started in its group goes with it. Linux keeps a pid
    // out of use while a group still bears it as its id, so only members of this group are hit.
    this.#signal(proc, "SIGKILL");
    await proc.release?.();
    await this.#drain(pumps);
    this.#limiter.close();
    await pidFile;
    await this.#removePidFile();
    this.#resolveExited(result);
  }

  /** Every line goes to the output buffer; plugd's log gets them through the rate limit. */
  async #pump(stream: ReadableStream<Uint8Array>, name: OutputStream): Promise<void> {
    const writer = this.output.writer(name, (line) =>
      this.#limiter.info(line.text, { stream: name }),
    );
    try {
      await readOutput(stream, (chunk) => writer.write(chunk));
    } catch (error) {
      this.#log.warn("reading the child's output failed", { stream: name, error });
    } finally {
      writer.end();
    }
  }

  /** Waits for the output to end, but not forever: a process outside the group may hold it. */
  async #drain(pumps: Promise<void>[]): Promise<void> {
    if (await settledWithin(pumps, this.#options.drainMs ?? 1000, this.#clock)) return;
    this.#log.warn("the child's output stayed open after it exited");
  }

  #signal(proc: SpawnedProcess, signal: "SIGTERM" | "SIGKILL"): void {
    try {
      proc.signalGroup(signal);
    } catch (error) {
      this.#log.error("could not signal the child's process group", { signal, error });
    }
  }

  async #writePidFile(pid: number): Promise<void> {
    const path = this.#options.pidFile;
    if (path === undefined) return;
    await writePidFile(path, pid).catch((error: unknown) =>
      this.#log.error("could not write the pid file; an orphan would go unnoticed", {
        path,
        error,
      }),
    );
  }

  async #removePidFile(): Promise<void> {
    const path = this.#options.pidFile;
    if (path === undefined) return;
    await removePidFile(path).catch((error: unknown) =>
      this.#log.error("could not remove the pid file", { path, error }),
    );
  }
}
