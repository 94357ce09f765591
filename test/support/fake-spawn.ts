// FakeSpawner: a test double for SpawnFn whose processes print and exit when a test says so.

import type { OutputStream } from "../../src/supervisor/output-buffer.ts";
import type {
  ExitResult,
  SpawnedProcess,
  SpawnFn,
  SpawnRequest,
} from "../../src/supervisor/spawn.ts";

type Controller = ReadableStreamDefaultController<Uint8Array>;

/** A readable stream and the controller that feeds it. */
function pipe(): { stream: ReadableStream<Uint8Array>; controller: Controller } {
  const holder: { controller?: Controller } = {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      holder.controller = controller;
    },
  });
  if (holder.controller === undefined) throw new Error("ReadableStream did not start");
  return { stream, controller: holder.controller };
}

/** A pretend child: it runs until `exit` is called or a signal it does not ignore arrives. */
export class FakeProcess implements SpawnedProcess {
  readonly pid: number;
  readonly request: SpawnRequest;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<ExitResult>;
  /** Every signal sent to the group, in order, including those after the process ended. */
  readonly signals: string[] = [];
  /** When true, SIGTERM is recorded but does not end the process. */
  ignoreSigterm = false;
  readonly #controllers: Record<OutputStream, Controller>;
  readonly #resolveExited: (result: ExitResult) => void;
  #alive = true;

  constructor(pid: number, request: SpawnRequest) {
    this.pid = pid;
    this.request = request;
    const out = pipe();
    const err = pipe();
    this.stdout = out.stream;
    this.stderr = err.stream;
    this.#controllers = { stdout: out.controller, stderr: err.controller };
    const { promise, resolve } = Promise.withResolvers<ExitResult>();
    this.exited = promise;
    this.#resolveExited = resolve;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Writes `text` (include the "\n") to one of the process's output streams. */
  print(text: string, stream: OutputStream = "stdout"): void {
    this.#controllers[stream].enqueue(new TextEncoder().encode(text));
  }

  /** Ends the process: its output closes and `exited` resolves. Later calls do nothing. */
  exit(code: number | null, signal: string | null = null): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#controllers.stdout.close();
    this.#controllers.stderr.close();
    this.#resolveExited({ code, signal });
  }

  signalGroup(signal: "SIGTERM" | "SIGKILL"): void {
    this.signals.push(signal);
    if (signal === "SIGKILL" || !this.ignoreSigterm) this.exit(null, signal);
  }
}

/** Hands out FakeProcesses with pids from 1001 and remembers them in order. */
export class FakeSpawner {
  readonly processes: FakeProcess[] = [];
  /** If set, the next spawn throws this instead of starting a process. */
  failNext: Error | null = null;

  readonly spawn: SpawnFn = (request) => {
    const failure = this.failNext;
    this.failNext = null;
    if (failure !== null) throw failure;
    const process = new FakeProcess(1001 + this.processes.length, request);
    this.processes.push(process);
    return process;
  };

  /** The process spawned last; throws if there is none yet. */
  get last(): FakeProcess {
    const process = this.processes.at(-1);
    if (process === undefined) throw new Error("nothing was spawned");
    return process;
  }
}
