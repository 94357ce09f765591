// ReqSocket: NNG's REQ0, one outstanding request at a time, replies matched by request id.
import { encodeFrame, Protocol } from "../../../src/nng/frame.ts";
import { isNngError, NngError } from "../../../src/nng/nng-error.ts";
import type { Pipe } from "../../../src/nng/pipe.ts";
import { type CallOptions, type SocketOptions, SpSocket } from "../../../src/nng/sp-socket.ts";
import { Waiters } from "../../../src/nng/waiters.ts";
import { encodeRequestId, nextRequestId, randomRequestId, readRequestId } from "./request-id.ts";

/** REQ options: the socket options plus resend. */
export interface ReqOptions extends SocketOptions {
  /**
   * Resend an unanswered request (same id) after this many ms, and at once on another
   * connection when its connection drops. 0 or undefined (default) = off, as both SDKs set it.
   */
  resendMs?: number;
}

interface Outstanding {
  id: number;
  frame: Uint8Array;
  /** The pipe it was last written to. */
  pipe: Pipe | undefined;
  reply: Uint8Array | undefined;
  error: NngError | undefined;
  resendTimer: Timer | undefined;
}

/**
 * REQ0 (id 0x30, peers REP0). send() issues a request with the next id (random start, bit 31
 * set); recv() waits for the reply carrying that id; replies with other ids are discarded.
 */
export class ReqSocket extends SpSocket {
  readonly #resendMs: number;
  readonly #receiver = new Waiters<Uint8Array>();
  #nextId = randomRequestId();
  #outstanding: Outstanding | undefined;

  constructor(options: ReqOptions = {}) {
    super(Protocol.req0, Protocol.rep0, options);
    this.#resendMs = options.resendMs ?? 0;
  }

  /**
   * Sends a request, abandoning any earlier one (a recv() still waiting for it fails with
   * `state`). Waits for a connected peer up to sendTimeoutMs. Throws NngError `timeout`, `closed`.
   */
  async send(body: Uint8Array, options: CallOptions = {}): Promise<void> {
    this.ensureOpen();
    this.#abandon();
    const id = this.#nextId;
    this.#nextId = nextRequestId(id);
    const request: Outstanding = {
      id,
      frame: encodeFrame(encodeRequestId(id), body),
      pipe: undefined,
      reply: undefined,
      error: undefined,
      resendTimer: undefined,
    };
    this.#outstanding = request;
    try {
      await this.#transmit(request, options.timeoutMs ?? this.sendTimeoutMs);
    } catch (err) {
      if (this.#outstanding === request) this.#outstanding = undefined;
      throw err;
    }
  }

  /**
   * The reply to the outstanding request. Throws NngError `state` with no request
   * outstanding, `timeout` (the request is then abandoned), `connreset` when its connection
   * dropped and resend is off, `closed` after close().
   */
  async recv(options: CallOptions = {}): Promise<Uint8Array> {
    this.ensureOpen();
    const request = this.#outstanding;
    if (!request) throw new NngError("state", "REQ recv without an outstanding request");
    if (request.reply || request.error) {
      this.#finish(request);
      if (request.error) throw request.error;
      return request.reply ?? new Uint8Array(0);
    }
    try {
      const timeoutMs = options.timeoutMs ?? this.recvTimeoutMs;
      return await this.#receiver.wait(timeoutMs, "no reply came in time");
    } catch (err) {
      if (isNngError(err, "timeout") && this.#outstanding === request) this.#finish(request);
      throw err;
    }
  }

  protected override onPipeMessage(pipe: Pipe, payload: Uint8Array): void {
    const id = readRequestId(payload);
    if (id === undefined) {
      pipe.close(new NngError("protocol", "reply without a request id"));
      return;
    }
    const request = this.#outstanding;
    // A stale reply (to an abandoned request) or a duplicate: discard silently, as NNG does.
    if (!request || request.id !== id || request.reply) return;
    clearTimeout(request.resendTimer);
    const body = payload.subarray(4);
    if (this.#receiver.resolveNext(body)) this.#finish(request);
    else request.reply = body;
  }

  protected override onPipeClosed(pipe: Pipe): void {
    const request = this.#outstanding;
    if (!request || request.pipe !== pipe || request.reply) return;
    request.pipe = undefined;
    if (this.#resendMs > 0) {
      this.#resend(request);
      return;
    }
    const err = new NngError("connreset", "connection dropped before the reply came");
    clearTimeout(request.resendTimer);
    if (this.#receiver.size > 0) {
      this.#finish(request);
      this.#receiver.rejectAll(err);
    } else {
      request.error = err;
    }
  }

  protected override onSocketClosed(err: NngError): void {
    if (this.#outstanding) this.#finish(this.#outstanding);
    this.#receiver.rejectAll(err);
  }

  async #transmit(request: Outstanding, timeoutMs: number | undefined): Promise<void> {
    const pipe = await this.readyPipe(timeoutMs);
    if (this.#outstanding !== request || request.reply) return;
    request.pipe = pipe;
    pipe.write(request.frame);
    // A write can find the connection dead; treat it like a drop seen a moment later.
    if (pipe.state === "closed") {
      this.onPipeClosed(pipe);
      return;
    }
    if (this.#resendMs > 0) {
      clearTimeout(request.resendTimer);
      request.resendTimer = setTimeout(() => this.#resend(request), this.#resendMs);
    }
  }

  #resend(request: Outstanding): void {
    if (this.#outstanding !== request || request.reply) return;
    // Runs in the background: its only failure is `closed`, which recv() already reports.
    this.#transmit(request, undefined).catch(() => {});
  }

  #abandon(): void {
    if (!this.#outstanding) return;
    this.#finish(this.#outstanding);
    this.#receiver.rejectAll(new NngError("state", "request abandoned by a newer send"));
  }

  #finish(request: Outstanding): void {
    clearTimeout(request.resendTimer);
    if (this.#outstanding === request) this.#outstanding = undefined;
  }
}
