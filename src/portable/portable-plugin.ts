// PortablePlugin: one installed portable plugin at run time: its process, sockets and symbols.

import { badRequest, describeError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { ChildProcess } from "../supervisor/child-process.ts";
import { describeExit } from "../supervisor/exit-reason.ts";
import type { OutputBuffer } from "../supervisor/output-buffer.ts";
import { SerialQueue } from "../supervisor/serial-queue.ts";
import type { Supervisor } from "../supervisor/supervisor-api.ts";
import { DEFAULT_SOCKET_DIR } from "./addresses.ts";
import type { FuncMeta, FuncReply, FunctionCall, SymbolControl } from "./commands.ts";
import { superviseProgram } from "./launch.ts";
import type { PortableManifest } from "./manifest.ts";
import { endOrphans } from "./orphan-sweep.ts";
import { PluginSockets } from "./plugin-sockets.ts";
import { checkSymbol, PluginSymbols } from "./plugin-symbols.ts";
import type { PortablePluginOptions, PortableStatus } from "./portable-options.ts";

export type { PortablePluginOptions, PortableStatus } from "./portable-options.ts";

/**
 * A portable plugin at run time, and the owner of all its parts: the supervised process, the
 * sockets (null while stopped) and the recorded symbol starts. start() listens on the control
 * address, launches the program and waits for its handshake; symbols are started through the
 * control channel and recorded, and every recorded start is replayed to a restarted process.
 */
export class PortablePlugin implements AsyncDisposable {
  readonly name: string;
  readonly manifest: PortableManifest;
  /** The process's last output lines (stdout and stderr), across restarts; subscribe to follow. */
  readonly output: OutputBuffer;
  readonly #options: PortablePluginOptions;
  readonly #log: Logger;
  readonly #supervisor: Supervisor;
  readonly #lifecycle = new SerialQueue();
  readonly #symbols: PluginSymbols;
  readonly #ownedPids: Set<number>;
  #sockets: PluginSockets | null = null;
  /** Processes that shook hands since start(): from the second on, each is a restart. */
  #handshakes = 0;

  constructor(options: PortablePluginOptions) {
    this.#options = options;
    this.name = options.name;
    this.manifest = options.manifest;
    this.#log = options.logger.child({ module: "portable", plugin: options.name });
    this.#supervisor = superviseProgram(options, (child) => this.#onStarted(child));
    this.output = this.#supervisor.output;
    this.#symbols = new PluginSymbols(options.name, this.#log);
    this.#ownedPids = options.ownedPids ?? new Set();
  }

  /**
   * Ends leftovers of an earlier run, listens on the control address, launches the program
   * and waits for its handshake (initTimeoutMs). Rejects with 400, carrying the program's last
   * output lines, when no handshake comes in time or the process exits first; nothing is then
   * left running or listening. Resolves at once if already started; a plugin given up after
   * crashing (status error) is launched again at once.
   */
  start(): Promise<void> {
    return this.#lifecycle.run(async () => {
      let launch: () => Promise<void>;
      if (this.#sockets === null) {
        await this.#listen();
        launch = () => this.#supervisor.start();
      } else if (this.#supervisor.status().status === "error") {
        launch = () => this.#supervisor.restartNow();
      } else return;
      try {
        await launch();
      } catch (err) {
        await this.#shutdown();
        throw badRequest(`portable plugin ${this.name} did not start: ${describeError(err)}`, err);
      }
    });
  }

  /** The supervisor's state, refCount per rule, and failed replays in errMsg while running. */
  status(): PortableStatus {
    const { status, errMsg, pid, restarts, startedAt } = this.#supervisor.status();
    const replay = status === "running" ? this.#symbols.replayErrors() : "";
    const refCount = this.#symbols.refCount();
    return { refCount, status, errMsg: errMsg || replay, pid, restarts, startedAt };
  }

  /**
   * Starts a symbol: opens the function REP, source PULL or sink ack PULL first, sends
   * `start`, then (sinks) dials the data PUSH; records it for replay. Throws 400 for a symbol
   * the manifest does not list, when the plugin is not running, or with the plugin's answer.
   */
  async startSymbol(request: SymbolControl): Promise<void> {
    const control = checkSymbol(this.name, this.manifest, request);
    await this.#symbols.start(this.#running(), control);
  }

  /**
   * Stops a started symbol: closes its sockets, sends `stop` (not for functions: eKuiper never
   * does, and the Go SDK would answer "not found"), forgets it. Throws 400 if it is not started,
   * or with the plugin's answer (it is forgotten all the same).
   */
  async stopSymbol(request: SymbolControl): Promise<void> {
    const control = checkSymbol(this.name, this.manifest, request);
    await this.#symbols.stop(this.#sockets, control, this.#isRunning());
  }

  /**
   * Calls a function symbol, starting it with the empty meta first if needed. For Exec, `arg`
   * is the argument list; `meta` (default rule "plugd", op "call") is appended as FuncMeta.
   */
  async callFunction(
    symbol: string,
    func: FunctionCall,
    arg: unknown,
    meta?: FuncMeta,
  ): Promise<FuncReply> {
    checkSymbol(this.name, this.manifest, { symbolName: symbol, pluginType: "func" });
    return this.#symbols.call(this.#running(), symbol, func, arg, meta);
  }

  /**
   * Pushes raw messages, in order, to a started sink: one write for a batch when the sink needs
   * no acks; with `requireAck` in its config each waits for its ack.
   */
  async sendToSink(request: SymbolControl, ...bodies: Uint8Array[]): Promise<void> {
    const control = checkSymbol(this.name, this.manifest, request);
    await this.#symbols.send(this.#stopped400(), control, bodies);
  }

  /** SIGTERM, SIGKILL after stopTimeoutMs, then closes every socket (removing the files). */
  stop(): Promise<void> {
    return this.#lifecycle.run(() => this.#shutdown());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #shutdown(): Promise<void> {
    const sockets = this.#sockets;
    sockets?.interrupt(badRequest(`portable plugin ${this.name} is stopped`));
    await this.#supervisor.stop();
    this.#sockets = null;
    this.#handshakes = 0;
    this.#symbols.clear();
    await sockets?.close();
  }

  async #listen(): Promise<void> {
    const { dir, pidFile, sweepOrphans } = this.#options;
    const owned = this.#ownedPids;
    await endOrphans({ dir, pidFile, scan: sweepOrphans, logger: this.#log, owned });
    const sockets = new PluginSockets({
      pluginName: this.name,
      socketDir: this.#options.socketDir ?? DEFAULT_SOCKET_DIR,
      logger: this.#options.logger,
      timeoutMs: this.#options.commandTimeoutMs ?? 10_000,
      onSourceData: this.#options.onSourceData,
    });
    await sockets.listen();
    this.#sockets = sockets;
  }

  #isRunning(): boolean {
    return this.#sockets !== null && this.#supervisor.status().status === "running";
  }

  /** The sockets while the process is running (handshake and replay done); else 400. */
  #running(): PluginSockets {
    const state = this.#supervisor.status();
    if (this.#sockets !== null && state.status === "running") return this.#sockets;
    const why = state.errMsg === "" ? "" : `: ${state.errMsg}`;
    throw badRequest(`portable plugin ${this.name} is not running (status ${state.status})${why}`);
  }

  #stopped400(): PluginSockets {
    if (this.#sockets === null) throw badRequest(`portable plugin ${this.name} is stopped`);
    return this.#sockets;
  }

  /** Each new process: wait for its handshake, then replay the recorded starts (api.md). */
  async #onStarted(child: ChildProcess): Promise<void> {
    const sockets = this.#stopped400();
    sockets.expectNewPeer();
    this.#ownedPids.add(child.pid);
    void child.exited.then(() => this.#onExit(child));
    await sockets.control.waitHandshake(this.#options.initTimeoutMs);
    this.#log.info("handshake received", { pid: child.pid });
    await this.#symbols.replay(sockets, () => child.running);
    this.#handshakes += 1;
    if (this.#handshakes > 1) this.#options.onRestarted?.();
  }

  /** Fails what waits on the dead process at once instead of after its deadline. */
  #onExit(child: ChildProcess): void {
    this.#ownedPids.delete(child.pid);
    if (this.#supervisor.child !== child) return;
    const how = describeExit(child.exitResult ?? { code: null, signal: null });
    this.#sockets?.interrupt(badRequest(`portable plugin ${this.name} ${how}`));
  }
}
