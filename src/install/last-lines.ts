// LastLines: the last lines of a script's output, bounded in count and bytes, for an error message.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Marks text left out at the start of a quoted line. */
const cutMark = "[…] ";

/**
 * Keeps the last `maxLines` lines pushed; `text()` quotes the newest of them that fit in
 * `maxBytes` UTF-8 bytes in all (newlines included), cutting the start of the oldest one quoted
 * if even it alone is too long, so an answer never carries more than `maxBytes` of output.
 */
export class LastLines {
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #lines: string[] = [];

  constructor(maxLines: number, maxBytes: number) {
    this.#maxLines = maxLines;
    this.#maxBytes = maxBytes;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#maxLines) this.#lines.shift();
  }

  isEmpty(): boolean {
    return this.#lines.length === 0;
  }

  /** The quoted lines joined by "\n", at most `maxBytes` bytes. */
  text(): string {
    const kept: string[] = [];
    let budget = this.#maxBytes;
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const line = this.#lines[i] ?? "";
      const bytes = encoder.encode(line);
      const cost = bytes.length + (kept.length > 0 ? 1 : 0);
      if (cost <= budget) {
        kept.unshift(line);
        budget -= cost;
        continue;
      }
      if (kept.length === 0) kept.unshift(cutStart(bytes, budget));
      break;
    }
    return kept.join("\n");
  }
}

/** The end of `bytes` with a mark before it, in at most `budget` bytes, on a character boundary. */
function cutStart(bytes: Uint8Array, budget: number): string {
  const mark = encoder.encode(cutMark).length;
  let from = bytes.length - Math.max(0, budget - mark);
  // Continuation bytes (10xxxxxx) do not start a character.
  while (from < bytes.length && ((bytes[from] ?? 0) & 0xc0) === 0x80) from++;
  return cutMark + decoder.decode(bytes.subarray(from));
}
