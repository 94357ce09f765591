// PushSocket: NNG's PUSH0, handing each message to one connected puller, round-robin.
import { encodeFrame, Protocol } from "./frame.ts";
import type { NngError } from "./nng-error.ts";
import type { Pipe } from "./pipe.ts";
import { type CallOptions, type SocketOptions, SpSocket } from "./sp-socket.ts";

/**
 * PUSH0 (id 0x50, peers PULL0). send() gives the body to the next connected puller whose
 * previous message has been written out; with none, it waits up to sendTimeoutMs.
 */
export class PushSocket extends SpSocket {
  constructor(options: SocketOptions = {}) {
    super(Protocol.push0, Protocol.pull0, options);
  }

  /**
   * Queues `body` on one connection. Resolves once it is handed to the connection, not when
   * the peer has read it. Throws NngError `timeout` (no ready puller in time) or `closed`.
   */
  async send(body: Uint8Array, options: CallOptions = {}): Promise<void> {
    const pipe = await this.readyPipe(options.timeoutMs ?? this.sendTimeoutMs);
    pipe.write(encodeFrame(body));
  }

  /**
   * Queues every body, in order, on one connection in a single write: a batch costs one wait
   * for a ready puller instead of one per message. Throws as send() does.
   */
  async sendAll(bodies: readonly Uint8Array[], options: CallOptions = {}): Promise<void> {
    if (bodies.length === 0) return;
    const pipe = await this.readyPipe(options.timeoutMs ?? this.sendTimeoutMs);
    const frames = bodies.map((body) => encodeFrame(body));
    pipe.write(Bun.concatArrayBuffers(frames, Number.POSITIVE_INFINITY, true));
  }

  protected override onPipeMessage(pipe: Pipe): void {
    // A puller never sends messages; one that does is not speaking PULL0.
    pipe.close(undefined);
  }

  protected override onPipeClosed(): void {}

  protected override onSocketClosed(_err: NngError): void {}
}
