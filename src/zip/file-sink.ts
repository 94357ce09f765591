// A file written from an entry's chunks: created off the main thread, filled with backpressure.
import { close, closeSync, constants, fchmodSync, open, write, writeSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import type { EntrySink } from "./entry-sink.ts";

/** How much a file sink queues before it reports itself full. */
const highWaterMark = 1024 * 1024;
/** Files up to this size are written with one blocking call; see FileSink. */
const blockingWriteMax = 1024 * 1024;
/** O_NOFOLLOW: a symlink planted where the file goes must not redirect the write. */
const createFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const openFile = promisify(open);
const writeFile = promisify(write);
const closeFile = promisify(close);
const ignore = () => {};

/**
 * A file being written from queued chunks. Creating it is the slow call (a millisecond on
 * many disks), so it starts at once, off the main thread, while the caller reads and
 * inflates the entry; chunks queue behind it. A small file is then written, given its
 * mode and closed with blocking calls: each is a copy into the page cache taking
 * microseconds, less than the thread hop of its asynchronous twin, and a plugin holds
 * hundreds of small files. A large file is written asynchronously, so that a slow disk
 * under writeback pressure never stalls the server for long.
 */
export class FileSink implements EntrySink {
  readonly #path: string;
  readonly #blocking: boolean;
  readonly #opened: Promise<number>;
  #queued = 0;
  #tail: Promise<void>;

  /**
   * Starts creating or truncating the file at `path`, and its missing parent folders
   * (0o755), and gives it `mode`; `size` is the size the file is expected to reach.
   * Errors, such as ELOOP when `path` is a symlink, come out of write(), drained() and
   * finish().
   */
  constructor(path: string, mode: number, size: number) {
    this.#path = path;
    this.#blocking = size <= blockingWriteMax;
    this.#opened = openCreating(path);
    // An inode change in memory: cheaper than a thread hop. Done before the data, it is
    // off the critical path; a file refused later is removed by discard() anyway.
    this.#tail = this.#opened.then((fd) => fchmodSync(fd, mode));
    // Failures reach the caller through drained() or finish(); this marks them as seen.
    this.#opened.catch(ignore);
    this.#tail.catch(ignore);
  }

  get full(): boolean {
    return this.#queued > highWaterMark;
  }

  write(chunk: Uint8Array): void {
    this.#queued += chunk.length;
    this.#tail = this.#tail.then(async () => {
      const fd = await this.#opened;
      if (this.#blocking) writeAllBlocking(fd, chunk);
      else await writeAll(fd, chunk);
      this.#queued -= chunk.length;
    });
    this.#tail.catch(ignore);
  }

  drained(): Promise<void> {
    return this.#tail;
  }

  /** Waits for every queued chunk, then closes the file. */
  async finish(): Promise<void> {
    await this.#tail;
    const fd = await this.#opened;
    if (this.#blocking) closeSync(fd);
    else await closeFile(fd);
  }

  /**
   * Closes and removes the partly written file, if it was ever opened; never rejects. Its
   * own errors are dropped on purpose: the caller is reporting the failure that made it
   * discard the file, and a file left behind sits in the caller's staging folder.
   */
  async discard(): Promise<void> {
    await this.#tail.catch(ignore);
    const fd = await this.#opened.catch(ignore);
    if (fd === undefined) return;
    await closeFile(fd).catch(ignore);
    await rm(this.#path, { force: true }).catch(ignore);
  }
}

async function openCreating(path: string): Promise<number> {
  try {
    return await openFile(path, createFlags, 0o600);
  } catch (err) {
    // Most entries go into folders made for earlier ones, so try first and mkdir on demand.
    if (!(err instanceof Error && "code" in err && err.code === "ENOENT")) throw err;
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    return await openFile(path, createFlags, 0o600);
  }
}

// A write may be short (signals, nearly full disk); the rest goes in the next call.
function writeAllBlocking(fd: number, chunk: Uint8Array): void {
  for (let offset = 0; offset < chunk.length; ) {
    offset += writeSync(fd, chunk, offset, chunk.length - offset);
  }
}

async function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await writeFile(fd, chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
