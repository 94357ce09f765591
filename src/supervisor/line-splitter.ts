// LineSplitter: turns a stream of byte chunks into text lines, with bounded memory (pure).

/** The cap on one output line, in characters, for plugins and install.sh alike (8 KiB). */
export const maxLineLength = 8192;

/** Appended to a line cut at the length cap, so a reader knows text is missing. */
export const truncationMark = " [truncated]";

/**
 * Splits UTF-8 chunks into lines. A line may span chunks (and so may a multi-byte character);
 * "\n" and "\r\n" both end a line. A line longer than `maxLength` characters is emitted cut to
 * that length plus `truncationMark` as soon as it is too long, and the rest of it is dropped,
 * so a child that prints without newlines cannot make plugd hold its whole output.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder("utf-8");
  readonly #maxLength: number;
  readonly #emit: (line: string) => void;
  #partial = "";
  #dropping = false;

  constructor(maxLength: number, emit: (line: string) => void) {
    this.#maxLength = maxLength;
    this.#emit = emit;
  }

  /** Takes the next chunk of bytes; emits every line it completes. */
  push(chunk: Uint8Array): void {
    this.#take(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Ends the stream: a last line without a newline is emitted too. */
  end(): void {
    this.#take(this.#decoder.decode());
    if (this.#partial !== "") this.#finishLine();
    this.#dropping = false;
  }

  #take(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline === -1) {
        this.#add(text.slice(start));
        return;
      }
      this.#add(text.slice(start, newline));
      if (this.#dropping) this.#dropping = false;
      else this.#finishLine();
      start = newline + 1;
    }
  }

  #add(piece: string): void {
    if (this.#dropping || piece === "") return;
    const text = this.#partial + piece;
    // A "\r" just past the cap may be the start of a "\r\n" line end, not text.
    const length = text.endsWith("\r") ? text.length - 1 : text.length;
    if (length <= this.#maxLength) {
      this.#partial = text;
      return;
    }
    this.#emit(text.slice(0, this.#maxLength) + truncationMark);
    this.#partial = "";
    this.#dropping = true;
  }

  #finishLine(): void {
    const line = this.#partial.endsWith("\r") ? this.#partial.slice(0, -1) : this.#partial;
    this.#partial = "";
    this.#emit(line);
  }
}
