// The SP wire format on IPC: connection header, length-prefixed frames, REQ/REP ids (pure).
import { NngError } from "./nng-error.ts";

/** Protocol ids sent in the connection header (16 * major + minor). */
export const Protocol = { pair0: 0x10, req0: 0x30, rep0: 0x31, push0: 0x50, pull0: 0x51 } as const;

/** Bytes in the connection header each side sends first. */
export const HEADER_SIZE = 8;
/** Bytes before each payload: the type byte and the u64 length. */
const FRAME_HEAD_SIZE = 9;
const FRAME_TYPE_MESSAGE = 0x01;
/** NNG's TTL: a REQ/REP backtrace longer than this many 4-byte words is dropped. */
const MAX_BACKTRACE_WORDS = 8;

/** The 8 bytes `00 'S' 'P' 00 | id (u16 BE) | 00 00` announcing our own protocol. */
export function encodeHeader(ownProtocol: number): Uint8Array {
  const header = new Uint8Array(HEADER_SIZE);
  header.set([0x00, 0x53, 0x50, 0x00, ownProtocol >> 8, ownProtocol & 0xff, 0x00, 0x00]);
  return header;
}

/**
 * Checks the peer's 8 header bytes. Throws NngError `protocol` when the magic, version or
 * reserved bytes are wrong, or when the peer speaks another protocol than `expectedPeer`.
 */
export function validateHeader(header: Uint8Array, expectedPeer: number): void {
  const hex = Array.from(header, (b) => b.toString(16).padStart(2, "0")).join(" ");
  if (header.length !== HEADER_SIZE) {
    throw new NngError("protocol", `SP header must be ${HEADER_SIZE} bytes, got ${header.length}`);
  }
  const magicOk = header[0] === 0 && header[1] === 0x53 && header[2] === 0x50 && header[3] === 0;
  if (!magicOk || header[6] !== 0 || header[7] !== 0) {
    throw new NngError("protocol", `invalid SP header received: ${hex}`);
  }
  const peer = ((header[4] ?? 0) << 8) | (header[5] ?? 0);
  if (peer !== expectedPeer) {
    throw new NngError(
      "protocol",
      `peer speaks protocol 0x${peer.toString(16)}, expected 0x${expectedPeer.toString(16)}`,
    );
  }
}

/** One IPC frame: `01 | u64 BE length | parts...`, the parts joined into the payload. */
export function encodeFrame(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const frame = new Uint8Array(FRAME_HEAD_SIZE + length);
  const view = new DataView(frame.buffer);
  frame[0] = FRAME_TYPE_MESSAGE;
  view.setUint32(1, Math.floor(length / 2 ** 32));
  view.setUint32(5, length >>> 0);
  let offset = FRAME_HEAD_SIZE;
  for (const part of parts) {
    frame.set(part, offset);
    offset += part.length;
  }
  return frame;
}

/**
 * Incremental decoder for the frames of one connection. Feed it chunks split anywhere;
 * it returns the complete payloads. Keeps references to the chunks it is given, so callers
 * must not reuse them. After it throws, the connection is unusable and must be dropped.
 */
export class FrameDecoder {
  readonly #head = new Uint8Array(FRAME_HEAD_SIZE);
  #headFill = 0;
  /** Length of the payload being collected, or -1 while reading a frame head. */
  #want = -1;
  #parts: Uint8Array[] = [];
  #fill = 0;

  /** @param maxRecvSize largest accepted payload in bytes; 0 means unlimited. */
  readonly #maxRecvSize: number;

  constructor(maxRecvSize = 0) {
    this.#maxRecvSize = maxRecvSize;
  }

  /**
   * Consumes one chunk and returns the payloads it completed, in order. Throws NngError
   * `protocol` for a type byte other than 0x01 and `toolarge` for a payload over the limit.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#want < 0) {
        const take = Math.min(FRAME_HEAD_SIZE - this.#headFill, chunk.length - pos);
        this.#head.set(chunk.subarray(pos, pos + take), this.#headFill);
        this.#headFill += take;
        pos += take;
        if (this.#headFill < FRAME_HEAD_SIZE) break;
        this.#headFill = 0;
        this.#want = this.#readHead();
      }
      const take = Math.min(this.#want - this.#fill, chunk.length - pos);
      if (take > 0) this.#parts.push(chunk.subarray(pos, pos + take));
      this.#fill += take;
      pos += take;
      if (this.#fill === this.#want) out.push(this.#takePayload());
    }
    return out;
  }

  #readHead(): number {
    if (this.#head[0] !== FRAME_TYPE_MESSAGE) {
      throw new NngError("protocol", `invalid frame type byte 0x${this.#head[0]?.toString(16)}`);
    }
    const view = new DataView(this.#head.buffer);
    const high = view.getUint32(1);
    const length = high * 2 ** 32 + view.getUint32(5);
    const limit = this.#maxRecvSize > 0 ? this.#maxRecvSize : Number.MAX_SAFE_INTEGER;
    if (high >= 2 ** 21 || length > limit) {
      throw new NngError("toolarge", `frame of ${length} bytes exceeds the limit of ${limit}`);
    }
    return length;
  }

  #takePayload(): Uint8Array {
    const parts = this.#parts;
    const length = this.#fill;
    this.#parts = [];
    this.#fill = 0;
    this.#want = -1;
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    return Bun.concatArrayBuffers(parts, length, true);
  }
}

/** The outcome of splitting a REQ payload on the REP side. */
export type BacktraceSplit =
  | { kind: "ok"; backtrace: Uint8Array; body: Uint8Array }
  /** More than MAX_BACKTRACE_WORDS hops: drop the message, keep the connection. */
  | { kind: "ttl" }
  /** The payload ended before a word with the top bit set: drop the connection. */
  | { kind: "garbage" };

/**
 * Splits a request into its backtrace (4-byte words up to and including the first one with
 * bit 31 set, the request id) and the body the application sees.
 */
export function splitBacktrace(payload: Uint8Array): BacktraceSplit {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let words = 1; words <= MAX_BACKTRACE_WORDS; words++) {
    const end = words * 4;
    if (end > payload.length) return { kind: "garbage" };
    if (view.getUint32(end - 4) >= 0x80000000) {
      return { kind: "ok", backtrace: payload.subarray(0, end), body: payload.subarray(end) };
    }
  }
  return { kind: "ttl" };
}
