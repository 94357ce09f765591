// A push parser of multipart/form-data bytes: part headers and body pieces, whatever the chunking.
import { invalidMultipart as invalid, type PartHeaders, parsePartHeaders } from "./part-headers.ts";

/** What the bytes pushed so far hold, in order. A part's data ends with its "end" event. */
export type MultipartEvent =
  | { readonly kind: "part"; readonly headers: PartHeaders }
  | { readonly kind: "data"; readonly bytes: Uint8Array }
  | { readonly kind: "end" };

/** Bounds on everything the scanner must hold before it can say what it is. */
export interface ScanLimits {
  /** Bytes of one part's header block. */
  readonly headerBytes: number;
  /** Bytes before the first boundary line. */
  readonly preambleBytes: number;
  /** Parts in one body. */
  readonly parts: number;
}

export const defaultScanLimits: ScanLimits = {
  headerBytes: 16 * 1024,
  preambleBytes: 16 * 1024,
  parts: 100,
};

type State = "preamble" | "boundary-line" | "headers" | "body" | "done";

const crlf = Buffer.from("\r\n");
const headerEnd = Buffer.from("\r\n\r\n");
/** Transport padding allowed after a boundary (RFC 2046), before its CRLF. */
const maxPadding = 64;

/**
 * Scans a multipart body pushed in chunks of any size. Each `push` returns the events the
 * chunk completes; data events share memory with the chunks pushed, so hold them only until
 * the next push. At most a boundary's length of body data (or one header block) is held back.
 * @throws AppError 400 for a body that breaks the format or a limit.
 */
export class MultipartScanner {
  readonly #delimiter: Buffer;
  readonly #limits: ScanLimits;
  /** The body is read as if it began with CRLF, so the first boundary needs no special case. */
  #pending: Buffer = Buffer.from(crlf);
  #state: State = "preamble";
  #preambleSeen = 0;
  #parts = 0;

  constructor(boundary: string, limits: ScanLimits = defaultScanLimits) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#limits = limits;
  }

  /** True once the closing boundary was read; what follows it (the epilogue) is ignored. */
  get done(): boolean {
    return this.#state === "done";
  }

  push(chunk: Uint8Array): MultipartEvent[] {
    if (this.#state === "done") return [];
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const events: MultipartEvent[] = [];
    this.#pending = this.#joined(bytes, events);
    while (this.#step(events));
    return events;
  }

  /** Says the body has ended. @throws AppError 400 unless the closing boundary was read. */
  finish(): void {
    if (this.#state !== "done") {
      throw invalid(
        this.#state === "preamble" && this.#parts === 0
          ? "it holds no boundary line"
          : "it ends before its closing boundary",
      );
    }
  }

  /**
   * The pending bytes followed by `bytes`. In a part's body the pending bytes are only the
   * held-back tail: unless a delimiter starts in it, it is data, and the chunk is used as it
   * is rather than copied, which would cost a copy of every chunk of a large file.
   */
  #joined(bytes: Buffer, events: MultipartEvent[]): Buffer {
    if (this.#pending.length === 0) return bytes;
    const keep = this.#delimiter.length - 1;
    // Only when the chunk is long enough to finish any delimiter that starts in the tail.
    if (this.#state === "body" && this.#pending.length <= keep && bytes.length >= keep) {
      const head = bytes.subarray(0, keep);
      if (Buffer.concat([this.#pending, head]).indexOf(this.#delimiter) < 0) {
        events.push({ kind: "data", bytes: this.#pending });
        return bytes;
      }
    }
    return Buffer.concat([this.#pending, bytes]);
  }

  /** Takes one step on the pending bytes; false when more bytes are needed. */
  #step(events: MultipartEvent[]): boolean {
    switch (this.#state) {
      case "preamble":
        return this.#skipPreamble();
      case "boundary-line":
        return this.#readBoundaryLine();
      case "headers":
        return this.#readHeaders(events);
      case "body":
        return this.#readBody(events);
      case "done":
        return false;
    }
  }

  #skipPreamble(): boolean {
    const at = this.#pending.indexOf(this.#delimiter);
    if (at < 0) {
      const keep = this.#delimiter.length - 1;
      const dropped = Math.max(0, this.#pending.length - keep);
      this.#preambleSeen += dropped;
      if (this.#preambleSeen > this.#limits.preambleBytes) {
        throw invalid(`no boundary line in its first ${this.#limits.preambleBytes} bytes`);
      }
      this.#pending = this.#pending.subarray(dropped);
      return false;
    }
    this.#pending = this.#pending.subarray(at + this.#delimiter.length);
    this.#state = "boundary-line";
    return true;
  }

  /** After a boundary: `--` closes the body; otherwise optional padding, CRLF, a new part. */
  #readBoundaryLine(): boolean {
    if (this.#pending.length < 2) return false;
    if (this.#pending[0] === 0x2d && this.#pending[1] === 0x2d) {
      this.#state = "done";
      this.#pending = Buffer.alloc(0);
      return false;
    }
    const eol = this.#pending.indexOf(crlf);
    const line = eol < 0 ? this.#pending : this.#pending.subarray(0, eol);
    if (!line.every((byte) => byte === 0x20 || byte === 0x09) || line.length > maxPadding) {
      throw invalid("a boundary line is followed by something other than a line end");
    }
    if (eol < 0) return false;
    this.#parts += 1;
    if (this.#parts > this.#limits.parts) {
      throw invalid(`it has more than ${this.#limits.parts} parts`);
    }
    this.#pending = this.#pending.subarray(eol + crlf.length);
    this.#state = "headers";
    return true;
  }

  #readHeaders(events: MultipartEvent[]): boolean {
    if (this.#pending.length < 2) return false;
    // An empty header block: the boundary line's CRLF is followed by the blank line at once.
    const empty = this.#pending[0] === 0x0d && this.#pending[1] === 0x0a;
    const at = empty ? 0 : this.#pending.indexOf(headerEnd);
    const blockEnd = at < 0 ? this.#pending.length : at;
    if (blockEnd > this.#limits.headerBytes) {
      throw invalid(`a part's headers are over ${this.#limits.headerBytes} bytes`);
    }
    if (at < 0) return false;
    const headers = parsePartHeaders(this.#pending.subarray(0, at));
    events.push({ kind: "part", headers });
    this.#pending = this.#pending.subarray(at + (empty ? crlf.length : headerEnd.length));
    this.#state = "body";
    return true;
  }

  #readBody(events: MultipartEvent[]): boolean {
    const at = this.#pending.indexOf(this.#delimiter);
    if (at < 0) {
      // The tail might be the start of a delimiter split across chunks: keep it back.
      const safe = this.#pending.length - (this.#delimiter.length - 1);
      if (safe > 0) {
        events.push({ kind: "data", bytes: this.#pending.subarray(0, safe) });
        this.#pending = this.#pending.subarray(safe);
      }
      return false;
    }
    if (at > 0) events.push({ kind: "data", bytes: this.#pending.subarray(0, at) });
    events.push({ kind: "end" });
    this.#pending = this.#pending.subarray(at + this.#delimiter.length);
    this.#state = "boundary-line";
    return true;
  }
}
