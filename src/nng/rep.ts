// RepSocket: NNG's REP0, answering each request on the connection it came from.
import { FairQueue } from "./fair-queue.ts";
import { encodeFrame, Protocol, splitBacktrace } from "./frame.ts";
import { NngError } from "./nng-error.ts";
import type { Pipe } from "./pipe.ts";
import { type CallOptions, type SocketOptions, SpSocket } from "./sp-socket.ts";
import { Waiters } from "./waiters.ts";

interface Request {
  pipe: Pipe;
  /** The hops and request id, sent back unchanged in front of the reply. */
  backtrace: Uint8Array;
  body: Uint8Array;
}

/** A request body and the id of the connection it came on. */
export interface ReceivedRequest {
  readonly pipeId: number;
  readonly body: Uint8Array;
}

/**
 * REP0 (id 0x31, peers REQ0). recv() returns the next request body from any connected peer,
 * fair-queued; send() answers the request last received. Several peers may be connected;
 * recvRequest() also tells which one sent it.
 */
export class RepSocket extends SpSocket {
  readonly #queue = new FairQueue<Request>();
  readonly #receivers = new Waiters<Request>();
  #pending: Request | undefined;

  constructor(options: SocketOptions = {}) {
    super(Protocol.rep0, Protocol.req0, options);
  }

  /**
   * The next request body. Forgets a request received earlier and not answered, as NNG does.
   * Throws NngError `timeout` (recvTimeoutMs or `options.timeoutMs`) or `closed`.
   */
  async recv(options: CallOptions = {}): Promise<Uint8Array> {
    return (await this.recvRequest(options)).body;
  }

  /** recv(), with the id of the connection the request came on. */
  async recvRequest(options: CallOptions = {}): Promise<ReceivedRequest> {
    this.ensureOpen();
    this.#pending = undefined;
    const request =
      this.#queue.shift() ??
      (await this.#receivers.wait(
        options.timeoutMs ?? this.recvTimeoutMs,
        "no request came in time",
        options.signal,
      ));
    this.#pending = request;
    return { pipeId: request.pipe.id, body: request.body };
  }

  /** Forgets the request last received, so that send() cannot answer it any more. */
  forgetRequest(): void {
    this.#pending = undefined;
  }

  /**
   * Answers the request last returned by recv(), on its connection. If that connection has
   * closed since, the reply is dropped and send() still succeeds (NNG does the same).
   * Throws NngError `state` when there is no request to answer, `closed` after close().
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
    // Garbage means the peer does not speak REQ0: NNG drops the connection. Too many hops
    // (TTL) only lose the message.
    if (split.kind === "garbage") {
      pipe.close(new NngError("protocol", "request without a request id"));
      return;
    }
    if (split.kind === "ttl") return;
    const request = { pipe, backtrace: split.backtrace, body: split.body };
    if (!this.#receivers.resolveNext(request)) this.#queue.push(pipe.id, request);
  }

  protected override onPipeClosed(pipe: Pipe): void {
    // Requests from a dead peer cannot be answered; NNG drops them too.
    this.#queue.drop(pipe.id);
  }

  protected override onSocketClosed(err: NngError): void {
    this.#pending = undefined;
    this.#receivers.rejectAll(err);
  }
}
