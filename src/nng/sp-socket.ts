// SpSocket: what every SP socket shares: options, listeners, dialers and the set of open pipes.
import type { UnixSocketListener } from "bun";
import { Dialer } from "./dialer.ts";
import { dialIpc, ipcPath, listenIpc } from "./ipc.ts";
import { NngError } from "./nng-error.ts";
import type { Pipe, PipeConfig, PipeEvents } from "./pipe.ts";
import type { DialOptions, SocketOptions } from "./socket-options.ts";
import { Waiters } from "./waiters.ts";

export type { CallOptions, DialOptions, SocketOptions } from "./socket-options.ts";

/** The shared half of REQ, REP, PUSH and PULL; subclasses add the protocol's rules. */
export abstract class SpSocket implements AsyncDisposable {
  /** Pipes whose header exchange succeeded, in connection order. */
  protected readonly pipes: Pipe[] = [];
  protected readonly recvTimeoutMs: number | undefined;
  protected readonly sendTimeoutMs: number | undefined;
  readonly #listeners: UnixSocketListener<Pipe>[] = [];
  readonly #dialers = new Set<Dialer>();
  readonly #readiness = new Waiters<void>();
  readonly #config: PipeConfig;
  readonly #events: PipeEvents;
  readonly #options: SocketOptions;
  #cursor = 0;
  #isClosed = false;

  constructor(ownProtocol: number, peerProtocol: number, options: SocketOptions) {
    this.#options = options;
    this.recvTimeoutMs = options.recvTimeoutMs;
    this.sendTimeoutMs = options.sendTimeoutMs;
    const maxRecvSize = options.maxRecvSize ?? 0;
    const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#config = { ownProtocol, peerProtocol, maxRecvSize, handshakeTimeoutMs };
    this.#events = {
      onOpen: (pipe) => this.#pipeOpened(pipe),
      onMessage: (pipe, payload) => this.onPipeMessage(pipe, payload),
      onWritable: () => this.#readiness.resolveAll(),
      onClose: (pipe, reason) => this.#pipeClosed(pipe, reason),
    };
  }

  /** Connected peers whose SP header checked out. */
  get pipeCount(): number {
    return this.pipes.length;
  }

  /** Whether the connection with this id is still open. */
  isConnected(pipeId: number): boolean {
    return this.pipes.some((pipe) => pipe.id === pipeId);
  }

  /** The ids of the open connections. */
  pipeIds(): number[] {
    return this.pipes.map((pipe) => pipe.id);
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#isClosed;
  }

  /**
   * Listens on an `ipc://` URL; can be called several times. Throws NngError `addrinval`,
   * `addrinuse` (a live listener owns the path) or `closed`.
   */
  async listen(url: string): Promise<void> {
    this.ensureOpen();
    const listener = await listenIpc(url, this.#config, this.#events);
    if (this.#isClosed) {
      listener.stop(true);
      throw new NngError("closed", "socket closed while listening");
    }
    this.#listeners.push(listener);
  }

  /**
   * Dials an `ipc://` URL. Blocking by default: resolves after the SP header exchange and
   * throws NngError `connrefused`, `protocol`, `timeout` (no header within
   * handshakeTimeoutMs) or `addrinval` at once, like NNG. `background` only throws `addrinval`.
   */
  async dial(url: string, options: DialOptions = {}): Promise<void> {
    this.ensureOpen();
    // Checked here so that a background dial never retries an address that cannot work.
    ipcPath(url);
    const background = options.background ?? false;
    const dialer = new Dialer(() => dialIpc(url, this.#config, this.#events), {
      reconnect: (options.reconnect ?? false) || background,
      reconnectMinMs: this.#options.reconnectMinMs ?? 100,
      reconnectMaxMs: this.#options.reconnectMaxMs ?? 5_000,
      onError: this.#options.onPipeError,
    });
    this.#dialers.add(dialer);
    if (background) {
      dialer.dialInBackground();
      return;
    }
    try {
      await dialer.dialNow();
    } catch (err) {
      this.#dialers.delete(dialer);
      throw err;
    }
  }

  /** Closes listeners (removing their files), dialers and pipes; pending calls get `closed`. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const err = new NngError("closed", "socket closed");
    for (const listener of this.#listeners.splice(0)) listener.stop(true);
    for (const dialer of this.#dialers) dialer.close();
    this.#dialers.clear();
    for (const pipe of [...this.pipes]) pipe.close(undefined);
    this.#readiness.rejectAll(err);
    this.onSocketClosed(err);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One payload from a pipe; the subclass applies its protocol. */
  protected abstract onPipeMessage(pipe: Pipe, payload: Uint8Array): void;
  /** A pipe went away; the subclass forgets what it kept for it. */
  protected abstract onPipeClosed(pipe: Pipe): void;
  /** The socket closed; the subclass fails its waiting callers with `err`. */
  protected abstract onSocketClosed(err: NngError): void;

  /** Throws NngError `closed` after close(). */
  protected ensureOpen(): void {
    if (this.#isClosed) throw new NngError("closed", "socket closed");
  }

  /**
   * The next pipe in rotation with an empty write backlog, waiting up to `timeoutMs` for
   * one to connect or drain. Throws NngError `timeout` or `closed`.
   */
  protected async readyPipe(timeoutMs: number | undefined): Promise<Pipe> {
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    for (;;) {
      this.ensureOpen();
      for (let i = 0; i < this.pipes.length; i++) {
        const pipe = this.pipes[(this.#cursor + i) % this.pipes.length];
        if (!pipe?.writable) continue;
        this.#cursor = (this.#cursor + i + 1) % this.pipes.length;
        return pipe;
      }
      const left = deadline === undefined ? undefined : deadline - performance.now();
      await this.#readiness.wait(left, "no peer was ready to take the message in time");
    }
  }

  #pipeOpened(pipe: Pipe): void {
    if (this.#isClosed) {
      pipe.close(undefined);
      return;
    }
    this.pipes.push(pipe);
    this.#readiness.resolveAll();
  }

  #pipeClosed(pipe: Pipe, reason: NngError | undefined): void {
    const index = this.pipes.indexOf(pipe);
    if (index >= 0) {
      this.pipes.splice(index, 1);
      this.onPipeClosed(pipe);
    }
    for (const dialer of this.#dialers) {
      if (dialer.pipeClosed(pipe)) this.#dialers.delete(dialer);
    }
    if (reason && !this.#isClosed) this.#options.onPipeError?.(reason);
  }
}
