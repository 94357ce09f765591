// OutputBuffer: the last lines a supervised child printed, for errMsg, tail and follow (pure).

import { LineSplitter, maxLineLength } from "./line-splitter.ts";

export type OutputStream = "stdout" | "stderr";

/** One line of output; `seq` counts every line the buffer was given, from 0. */
export interface OutputLine {
  readonly seq: number;
  readonly stream: OutputStream;
  readonly text: string;
}

export type OutputListener = (line: OutputLine) => void;

/** Feeds one stream's bytes into the buffer; each stream needs its own writer. */
export interface LineWriter {
  write(chunk: Uint8Array): void;
  /** The stream has closed: flushes a last line that had no newline. */
  end(): void;
}

export interface OutputBufferOptions {
  /** Lines kept; older ones are forgotten. */
  capacity?: number;
  /** Characters kept of one line (default `maxLineLength`); the rest is cut off. */
  maxLineLength?: number;
  /** Hears the error of a listener that threw; that listener has been removed. */
  onListenerError?: (error: unknown) => void;
}

/** A ring of the last `capacity` lines with listeners for new ones. */
export class OutputBuffer {
  readonly capacity: number;
  readonly maxLineLength: number;
  readonly #ring: (OutputLine | undefined)[];
  readonly #listeners = new Set<OutputListener>();
  readonly #onListenerError: (error: unknown) => void;
  #nextSeq = 0;

  constructor(options: OutputBufferOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    this.maxLineLength = options.maxLineLength ?? maxLineLength;
    this.#ring = new Array<OutputLine | undefined>(this.capacity);
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** The `seq` the next line will get; lines from here on are "since" this point. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** How many listeners (follows) are subscribed now. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** A writer that splits `stream`'s bytes into lines; `onLine` also hears each line. */
  writer(stream: OutputStream, onLine?: OutputListener): LineWriter {
    const splitter = new LineSplitter(this.maxLineLength, (text) => {
      const line = this.append(stream, text);
      onLine?.(line);
    });
    return { write: (chunk) => splitter.push(chunk), end: () => splitter.end() };
  }

  /** Adds one complete line and tells the listeners. */
  append(stream: OutputStream, text: string): OutputLine {
    const line: OutputLine = { seq: this.#nextSeq++, stream, text };
    this.#ring[line.seq % this.capacity] = line;
    for (const listener of this.#listeners) this.#notify(listener, line);
    return line;
  }

  /** The last `n` lines still held, oldest first. */
  tail(n: number): OutputLine[] {
    return this.since(this.#nextSeq - n);
  }

  /** The lines still held whose seq is `seq` or later, oldest first. */
  since(seq: number): OutputLine[] {
    const first = Math.max(seq, this.#nextSeq - this.capacity, 0);
    const lines: OutputLine[] = [];
    for (let s = first; s < this.#nextSeq; s++) {
      const line = this.#ring[s % this.capacity];
      if (line !== undefined) lines.push(line);
    }
    return lines;
  }

  /**
   * Calls `listener` with every new line until the returned function is called (a `follow`).
   * A listener that throws is removed so one broken follower cannot stop output capture.
   */
  subscribe(listener: OutputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(listener: OutputListener, line: OutputLine): void {
    try {
      listener(line);
    } catch (error) {
      this.#listeners.delete(listener);
      this.#onListenerError(error);
    }
  }
}
