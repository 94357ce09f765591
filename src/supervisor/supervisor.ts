// Supervisor: keeps one program running: readiness, restart with back-off, crash loops, stop.

import { describeError } from "../errors.ts";
import { type LineLimiter, outputLimiter } from "../log/line-limiter.ts";
import type { Logger } from "../log/logger.ts";
import { type Attempt, createAttempt, endAttempt } from "./attempt.ts";
import { RestartBackoff } from "./backoff.ts";
import { ChildProcess } from "./child-process.ts";
import { type Clock, realClock, type TimerHandle } from "./clock.ts";
import { describeExit, withLastLines } from "./exit-reason.ts";
import { OutputBuffer } from "./output-buffer.ts";
import { SerialQueue } from "./serial-queue.ts";
import type { ExitResult } from "./spawn.ts";
import type {
  Supervisor,
  SupervisorOptions,
  SupervisorState,
  SupervisorStatus,
} from "./supervisor-api.ts";

/** Creates a supervisor in state `stop`; call `start()`. Throws on invalid back-off options. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new ProcessSupervisor(options);
}

class ProcessSupervisor implements Supervisor {
  readonly name: string;
  readonly output: OutputBuffer;
  readonly #limiter: LineLimiter;
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #backoff: RestartBackoff;
  readonly #graceMs: number;
  #state: SupervisorStatus = "stop";
  #errMsg = "";
  /** Launches since `start()`, less the first: -1 until the first launch. */
  #restarts = -1;
  #attempt: Attempt | null = null;
  #timer: TimerHandle | null = null;
  readonly #queue = new SerialQueue();

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.name = options.name;
    this.#log = options.logger.child({ module: "supervisor", plugin: options.name });
    this.#clock = options.clock ?? realClock;
    this.#backoff = new RestartBackoff(options.backoff);
    this.#graceMs = options.stopGraceMs ?? 5000;
    this.output = new OutputBuffer({
      onListenerError: (error) => this.#log.warn("an output follower failed", { error }),
    });
    // One for every run of the program, so a restart does not bring a fresh burst.
    this.#limiter = outputLimiter(options.name, this.#log, this.#clock);
  }

  get child(): ChildProcess | null {
    return this.#attempt?.child ?? null;
  }

  status(): SupervisorState {
    const child = this.#attempt?.child;
    const startedAt = child?.running === true ? child.startedAt : null;
    return {
      status: this.#state,
      errMsg: this.#errMsg,
      pid: startedAt === null ? 0 : (child?.pid ?? 0),
      restarts: Math.max(this.#restarts, 0),
      startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
    };
  }

  start(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== "stop") return { ready: this.#attempt?.ready.promise };
      this.#restarts = -1;
      this.#backoff.reset();
      return { ready: this.#launch() };
    });
  }

  restartNow(): Promise<void> {
    return this.#serial(async () => {
      await this.#halt();
      this.#backoff.reset();
      return { ready: this.#launch() };
    });
  }

  markRunning(): void {
    if (this.#attempt !== null) this.#markReady(this.#attempt);
  }

  async stop(): Promise<void> {
    await this.#serial(async () => {
      await this.#halt();
      return { ready: undefined };
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Queues a state change. Steps hand back readiness wrapped in an object, so the queue does
   * not wait for a process to become ready (that can take a minute).
   */
  async #serial(step: () => Promise<{ ready: Promise<void> | undefined }>): Promise<void> {
    await (await this.#queue.run(step)).ready;
  }

  /** Starts a process for a new attempt; returns the attempt's readiness. */
  #launch(): Promise<void> {
    this.#timer = null;
    this.#restarts++;
    const logger = this.#options.logger.child({ module: "supervisor" });
    const child = new ChildProcess({
      ...this.#options,
      logger,
      clock: this.#clock,
      output: this.output,
      limiter: this.#limiter,
    });
    const attempt = createAttempt(child);
    this.#attempt = attempt;
    try {
      child.start();
    } catch (error) {
      this.#fail(attempt, `could not start: ${describeError(error)}`);
      return attempt.ready.promise;
    }
    this.#state = "initializing";
    this.#log.info("process started", { pid: child.pid });
    void child.exited.then((result) => this.#onExit(attempt, result));
    void this.#awaitReady(attempt);
    return attempt.ready.promise;
  }

  async #awaitReady(attempt: Attempt): Promise<void> {
    const onStarted = this.#options.onStarted;
    try {
      if (onStarted !== undefined) await onStarted(attempt.child);
    } catch (error) {
      if (attempt.over) return;
      attempt.ending = true;
      await attempt.child.stop(this.#graceMs);
      const reason = `failed to start: ${describeError(error)}`;
      this.#fail(attempt, withLastLines(reason, attempt.child.lastLines()));
      return;
    }
    this.#markReady(attempt);
  }

  #markReady(attempt: Attempt): void {
    if (attempt.over || attempt.ending || attempt.readySince !== null) return;
    attempt.readySince = this.#clock.now();
    this.#state = "running";
    this.#errMsg = "";
    this.#log.info("process running", { pid: attempt.child.pid });
    attempt.ready.resolve();
  }

  #onExit(attempt: Attempt, result: ExitResult): void {
    if (attempt.ending) return;
    this.#fail(attempt, withLastLines(describeExit(result), attempt.child.lastLines()));
  }

  /** An attempt failed: record why, then restart after the back-off delay or give up. */
  #fail(attempt: Attempt, reason: string): void {
    if (attempt.over) return;
    const now = this.#clock.now();
    const healthyFor = attempt.readySince === null ? 0 : now - attempt.readySince;
    const decision = this.#backoff.onCrash(now, healthyFor);
    this.#state = "error";
    if (decision.restart) {
      this.#errMsg = reason;
      this.#log.warn("process failed; restarting", { errMsg: reason, delayMs: decision.delayMs });
      this.#timer = this.#clock.setTimeout(() => void this.#launch(), decision.delayMs);
    } else {
      this.#errMsg = `${decision.message}; last failure: ${reason}`;
      this.#log.error("process failed; giving up", { errMsg: this.#errMsg });
    }
    endAttempt(attempt, this.#errMsg);
  }

  /** Cancels a pending restart and ends the current process; the state becomes `stop`. */
  async #halt(): Promise<void> {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#state = "stop";
    this.#errMsg = "";
    const attempt = this.#attempt;
    if (attempt === null) return;
    attempt.ending = true;
    endAttempt(attempt, `${this.name} was stopped before it was ready`);
    if (attempt.child.running) this.#log.info("stopping process", { pid: attempt.child.pid });
    await attempt.child.stop(this.#graceMs);
  }
}
