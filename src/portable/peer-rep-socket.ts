// PeerRepSocket: NNG's REP0 rules, heard only from the connection of the current plugin process.

import { FairQueue } from "../nng/fair-queue.ts";
import { encodeFrame, Protocol, splitBacktrace } from "../nng/frame.ts";
import { NngError } from "../nng/nng-error.ts";
import type { Pipe } from "../nng/pipe.ts";
import { type CallOptions, type SocketOptions, SpSocket } from "../nng/sp-socket.ts";
import { Waiters } from "../nng/waiters.ts";
import { PeerGate } from "./peer-gate.ts";

interface Request {
  readonly pipe: Pipe;
  readonly backtrace: Uint8Array;
  readonly body: Uint8Array;
}

export interface PeerRepOptions extends SocketOptions {
  /** Told about each request dropped because it came from another connection than ours. */
  onIgnored?: (peer: number, body: Uint8Array) => void;
}

/**
 * REP0 as src/nng/rep.ts implements it (recv, then send answers that request on its own
 * connection; ESTATE without one), plus a PeerGate: requests from connections other than the
 * current plugin process's are read and dropped, never answered. src/nng's RepSocket hides
 * which connection a request came from, so this class is built on the same SpSocket base.
 */
export class PeerRepSocket extends SpSocket {
  readonly #queue = new FairQueue<Request>();
  readonly #receivers = new Waiters<Request>();
  readonly #gate = new PeerGate();
  readonly #onIgnored: (peer: number, body: Uint8Array) => void;
  #pending: Request | undefined;
  #broken: Error | undefined;

  constructor(options: PeerRepOptions = {}) {
    super(Protocol.rep0, Protocol.req0, options);
    this.#onIgnored = options.onIgnored ?? (() => {});
  }

  /**
   * A new plugin process is about to connect: connections open now are ignored from here on,
   * the next fresh one to send is bound, and an interruption is cleared. A request still
   * pending from an old connection is forgotten, so the next send() cannot go to it.
   */
  expectNewPeer(): void {
    this.#gate.expectNewPeer(this.pipes.map((pipe) => pipe.id));
    this.#pending = undefined;
    this.#broken = undefined;
  }

  /** Fails the waiting recv() and every later one with `reason`, until expectNewPeer(). */
  interrupt(reason: Error): void {
    this.#broken = reason;
    this.#receivers.rejectAll(reason);
  }

  /**
   * The next request body from the bound connection (binding the first fresh sender). Forgets
   * an earlier unanswered request, as NNG does. Throws NngError `timeout` (the deadline covers
   * the dropped requests too) or `closed`, or the interrupt() reason.
   */
  async recv(options: CallOptions = {}): Promise<Uint8Array> {
    this.ensureOpen();
    this.#pending = undefined;
    const timeoutMs = options.timeoutMs ?? this.recvTimeoutMs;
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    for (;;) {
      if (this.#broken) throw this.#broken;
      const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      const request =
        this.#queue.shift() ?? (await this.#receivers.wait(left, "no request came in time"));
      if (this.#gate.admit(request.pipe.id, (id) => this.#isConnected(id))) {
        this.#pending = request;
        return request.body;
      }
      this.#onIgnored(request.pipe.id, request.body);
    }
  }

  /**
   * Answers the request last returned by recv() on its connection; dropped silently if that
   * connection has closed (NNG does the same). Throws NngError `state` with no such request.
   */
  async send(body: Uint8Array): Promise<void> {
    this.ensureOpen();
    const request = this.#pending;
    if (!request) throw new NngError("state", "REP send without a received request");
    this.#pending = undefined;
    request.pipe.write(encodeFrame(request.backtrace, body));
  }

  protected override onPipeMessage(pipe: Pipe, payload: Uint8Array): void {
    const split = splitBacktrace(payload);
    if (split.kind === "garbage") {
      pipe.close(new NngError("protocol", "request without a request id"));
      return;
    }
    if (split.kind === "ttl") return;
    const request = { pipe, backtrace: split.backtrace, body: split.body };
    if (!this.#receivers.resolveNext(request)) this.#queue.push(pipe.id, request);
  }

  protected override onPipeClosed(pipe: Pipe): void {
    this.#queue.drop(pipe.id);
    this.#gate.forget(pipe.id);
  }

  protected override onSocketClosed(err: NngError): void {
    this.#pending = undefined;
    this.#receivers.rejectAll(err);
  }

  #isConnected(id: number): boolean {
    return this.pipes.some((pipe) => pipe.id === id);
  }
}
