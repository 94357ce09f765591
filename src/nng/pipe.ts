// Pipe: one SP connection on a unix stream socket: header exchange, frame decoding, buffered writes.
import type { Socket, SocketHandler } from "bun";
import { encodeHeader, FrameDecoder, HEADER_SIZE, validateHeader } from "./frame.ts";
import { NngError } from "./nng-error.ts";

/** `negotiating` until the peer's SP header checked out, `open` after, `closed` for good. */
export type PipeState = "negotiating" | "open" | "closed";

/** What a pipe needs to know about its socket's protocol. */
export interface PipeConfig {
  /** Our protocol id, sent in our header. */
  ownProtocol: number;
  /** The only protocol id we accept from the peer. */
  peerProtocol: number;
  /** Largest payload accepted, in bytes; 0 means unlimited. */
  maxRecvSize: number;
  /** How long the peer has to send its header before we drop it (NNG: 10 s). */
  handshakeTimeoutMs: number;
}

/** How a pipe reports to its socket; onClose may also run inside write() or close(). */
export interface PipeEvents {
  /** The header exchange succeeded; the pipe can carry messages. */
  onOpen(pipe: Pipe): void;
  /** One payload (protocol header + body) arrived. */
  onMessage(pipe: Pipe, payload: Uint8Array): void;
  /** The pipe's write backlog emptied. */
  onWritable(pipe: Pipe): void;
  /** The pipe closed; `reason` is set when the peer broke the protocol or timed out. */
  onClose(pipe: Pipe, reason: NngError | undefined): void;
}

let lastPipeId = 0;

/** One connection. Created when the unix socket connects, before the SP header exchange. */
export class Pipe {
  readonly id = ++lastPipeId;
  #stateNow: PipeState = "negotiating";
  #socket: Socket<Pipe> | undefined;
  readonly #header = new Uint8Array(HEADER_SIZE);
  #headerFill = 0;
  readonly #decoder: FrameDecoder;
  #backlog: Uint8Array[] = [];
  #timer: Timer | undefined;
  readonly #config: PipeConfig;
  readonly #events: PipeEvents;

  constructor(config: PipeConfig, events: PipeEvents) {
    this.#config = config;
    this.#events = events;
    this.#decoder = new FrameDecoder(config.maxRecvSize);
  }

  get state(): PipeState {
    return this.#stateNow;
  }

  /** Open with nothing waiting to be written: a good target for the next message. */
  get writable(): boolean {
    return this.#stateNow === "open" && this.#backlog.length === 0;
  }

  /** Binds the connected socket and sends our header at once, without waiting for the peer's. */
  attach(socket: Socket<Pipe>): void {
    this.#socket = socket;
    this.write(encodeHeader(this.#config.ownProtocol));
    this.#timer = setTimeout(() => {
      this.close(new NngError("timeout", "peer did not send its SP header in time"));
    }, this.#config.handshakeTimeoutMs);
  }

  /**
   * Writes bytes, keeping what the kernel did not take and sending it on `drain`.
   * Writes to a closed pipe are dropped: the peer is gone, as NNG does.
   */
  write(bytes: Uint8Array): void {
    if (this.#stateNow === "closed" || !this.#socket) return;
    if (this.#backlog.length > 0) {
      this.#backlog.push(bytes);
      return;
    }
    const written = this.#socket.write(bytes);
    if (written < 0) this.close(undefined);
    else if (written < bytes.length) this.#backlog.push(bytes.subarray(written));
  }

  /** Closes the connection; idempotent. The socket hears about it through `onClose`. */
  close(reason: NngError | undefined): void {
    if (this.#stateNow === "closed") return;
    this.#stateNow = "closed";
    clearTimeout(this.#timer);
    this.#backlog = [];
    this.#socket?.end();
    this.#events.onClose(this, reason);
  }

  /** Bun `data`: header bytes first, then frames. A protocol violation drops the connection. */
  received(chunk: Uint8Array): void {
    try {
      let rest = chunk;
      if (this.#stateNow === "negotiating") rest = this.#readHeader(chunk);
      if (this.#stateNow !== "open" || rest.length === 0) return;
      for (const payload of this.#decoder.push(rest)) {
        if (this.#stateNow !== "open") return;
        this.#events.onMessage(this, payload);
      }
    } catch (err) {
      if (!(err instanceof NngError)) throw err;
      this.close(err);
    }
  }

  /** Bun `drain`: push out the backlog while the kernel takes it. */
  drained(): void {
    while (this.#socket && this.#stateNow !== "closed") {
      const next = this.#backlog[0];
      if (!next) break;
      const written = this.#socket.write(next);
      if (written < 0) {
        this.close(undefined);
        return;
      }
      if (written < next.length) {
        this.#backlog[0] = next.subarray(written);
        return;
      }
      this.#backlog.shift();
    }
    if (this.writable) this.#events.onWritable(this);
  }

  #readHeader(chunk: Uint8Array): Uint8Array {
    const take = Math.min(HEADER_SIZE - this.#headerFill, chunk.length);
    this.#header.set(chunk.subarray(0, take), this.#headerFill);
    this.#headerFill += take;
    if (this.#headerFill < HEADER_SIZE) return chunk.subarray(take);
    validateHeader(this.#header, this.#config.peerProtocol);
    clearTimeout(this.#timer);
    this.#stateNow = "open";
    this.#events.onOpen(this);
    return chunk.subarray(take);
  }
}

/** Bun socket callbacks that forward to the Pipe stored in `socket.data`. */
export const pipeHandlers: SocketHandler<Pipe> = {
  open: (socket) => socket.data.attach(socket),
  data: (socket, chunk) => socket.data.received(chunk),
  drain: (socket) => socket.data.drained(),
  close: (socket) => socket.data.close(undefined),
  error: (socket, err) =>
    socket.data.close(new NngError("protocol", `socket error: ${err.message}`, { cause: err })),
};
