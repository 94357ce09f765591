// PullSocket: NNG's PULL0, receiving from all connected pushers, fair-queued.
import { FairQueue } from "./fair-queue.ts";
import { Protocol } from "./frame.ts";
import type { NngError } from "./nng-error.ts";
import type { Pipe } from "./pipe.ts";
import { type CallOptions, type SocketOptions, SpSocket } from "./sp-socket.ts";
import { Waiters } from "./waiters.ts";

/** PULL0 (id 0x51, peers PUSH0). recv() returns the next message from any pusher. */
export class PullSocket extends SpSocket {
  readonly #queue = new FairQueue<Uint8Array>();
  readonly #receivers = new Waiters<Uint8Array>();

  constructor(options: SocketOptions = {}) {
    super(Protocol.pull0, Protocol.push0, options);
  }

  /**
   * The next message, taking turns between pushers so none is starved. Messages already
   * received from a pusher that disconnected are still delivered.
   * Throws NngError `timeout` (recvTimeoutMs or `options.timeoutMs`) or `closed`.
   */
  async recv(options: CallOptions = {}): Promise<Uint8Array> {
    this.ensureOpen();
    const queued = this.#queue.shift();
    if (queued) return queued;
    return this.#receivers.wait(options.timeoutMs ?? this.recvTimeoutMs, "no message came in time");
  }

  protected override onPipeMessage(pipe: Pipe, payload: Uint8Array): void {
    if (!this.#receivers.resolveNext(payload)) this.#queue.push(pipe.id, payload);
  }

  protected override onPipeClosed(): void {}

  protected override onSocketClosed(err: NngError): void {
    this.#receivers.rejectAll(err);
  }
}
