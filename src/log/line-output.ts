// LineOutput: log lines to fd 1 or 2 that never block plugd and never pile up without bound.

type Writer = ReturnType<typeof Bun.stdout.writer>;

/** Bytes of lines a slow reader may leave queued in memory; lines past it are dropped. */
const maxQueuedBytes = 1024 * 1024;

/**
 * Writes lines through Bun's native writer of one stream (made at the first line), flushed at
 * once. Not process.stdout: that loads Node's streams, a few milliseconds of every start.
 * - A full pipe (a slow journald) never blocks: what it cannot take yet is queued, up to
 *   `maxQueuedBytes`. Lines past that are dropped and counted, and the first line written once
 *   there is room again says how many were lost.
 * - A reader that has gone (EPIPE) costs the line, never plugd; nothing else could report it.
 */
export class LineOutput {
  readonly #open: () => Writer;
  #writer: Writer | undefined;
  /** Characters (about bytes: the lines are JSON) handed over since nothing was left to write. */
  #queued = 0;
  /** The newest flush still pending; when it settles, everything before it was written. */
  #pending: Promise<number> | undefined;
  #dropped = 0;

  constructor(open: () => Writer) {
    this.#open = open;
  }

  write(line: string): void {
    if (this.#queued >= maxQueuedBytes) {
      this.#dropped += 1;
      return;
    }
    if (this.#dropped > 0) {
      const note = {
        time: new Date().toISOString(),
        level: "warn",
        module: "log",
        msg: `${this.#dropped} log lines were dropped: the reader of plugd's output was too slow`,
      };
      this.#dropped = 0;
      this.#put(JSON.stringify(note));
    }
    this.#put(line);
  }

  #put(line: string): void {
    try {
      this.#writer ??= this.#open();
      this.#writer.write(`${line}\n`);
      const flushed = this.#writer.flush();
      if (flushed instanceof Promise) {
        this.#pending = flushed;
        const settled = () => {
          if (this.#pending !== flushed) return;
          this.#pending = undefined;
          this.#queued = 0;
        };
        flushed.then(settled, settled);
      }
      // Counted while anything is still unwritten, whatever this flush returned.
      if (this.#pending !== undefined) this.#queued += line.length + 1;
    } catch {
      // The line is lost; the process must not be.
    }
  }
}
