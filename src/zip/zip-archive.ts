// An opened plugin zip: every entry vetted up front, then extracted one at a time to disk.

import { mkdir, open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { formatSize } from "../config/units.ts";
import { badRequest, internal } from "../errors.ts";
import { readCentralDirectory } from "./central-directory.ts";
import { readerOf, type ZipSource } from "./end-record.ts";
import { MemorySink } from "./entry-sink.ts";
import { fileModeFor } from "./file-mode.ts";
import { FileSink } from "./file-sink.ts";
import { checkLimits, type ZipLimits } from "./limits.ts";
import type { LocalRecord } from "./local-record.ts";
import { pumpEntry, readEntryStart } from "./pump-entry.ts";
import { entryLabel } from "./safe-path.ts";
import { vetEntries, type ZipEntry } from "./vet-entries.ts";

export type { ZipSource } from "./end-record.ts";
export type { ZipEntry } from "./vet-entries.ts";

/** A file entry and the path it is inflated to. */
export interface ExtractTarget {
  readonly entry: ZipEntry;
  readonly path: string;
}

const folderMode = 0o755;
/**
 * Files extractFiles() creates ahead of the one being inflated. Creation takes about a
 * millisecond on common disks; a few in flight hide it, more gained nothing measurable.
 */
const createAhead = 4;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A zip file opened for extraction. open() reads only the end record and the central
 * directory, and refuses the whole zip (400) before anything is written if any entry is
 * unsafe or over the limits. Entries are then inflated one at a time, streaming, so memory
 * is bounded by the caps and chunk sizes, never by the zip. Close it, or use `await using`.
 */
export class ZipArchive {
  readonly entries: readonly ZipEntry[];
  readonly #source: ZipSource;
  readonly #known: ReadonlySet<ZipEntry>;
  #closed = false;

  private constructor(source: ZipSource, entries: readonly ZipEntry[]) {
    this.#source = source;
    this.entries = entries;
    this.#known = new Set(entries);
  }

  /**
   * A zip of `size` bytes read through `source`, its entries vetted as open() does; throws as
   * open() does, and what the source's reads throw. Closing the archive closes the source.
   */
  static async fromSource(source: ZipSource, size: number, limits: ZipLimits): Promise<ZipArchive> {
    const entries = vetEntries(
      await readCentralDirectory(source.central ?? source.read, size, limits),
    );
    checkLimits(entries, limits);
    return new ZipArchive(source, entries);
  }

  /**
   * Opens the zip at `path` and vets every entry: names, kinds, methods, layout, limits.
   * Throws 400 naming the entry (or "not a valid zip file: …") when the zip is refused, and
   * 500 when the file cannot be opened.
   */
  static async open(path: string, limits: ZipLimits): Promise<ZipArchive> {
    const handle = await open(path, "r").catch((err: unknown) => {
      throw internal(`cannot open zip file ${path}`, err);
    });
    try {
      const { size } = await handle.stat();
      return await ZipArchive.fromSource(
        { read: readerOf(handle), close: () => handle.close() },
        size,
        limits,
      );
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Inflates one entry to `destPath`, creating parent folders; a folder entry creates the
   * folder. Streams: never holds the whole entry in memory. A file gets the mode from
   * fileModeFor(). Throws 400 naming the entry if it inflates to more or fewer bytes than
   * declared, fails its CRC-32 or is corrupt; the partial file is then removed. Rejects with
   * the file system's error when writing fails (ELOOP if `destPath` is a symlink).
   */
  async extractTo(entry: ZipEntry, destPath: string): Promise<void> {
    this.#checkOwn(entry);
    if (entry.isDirectory) {
      await mkdir(destPath, { recursive: true, mode: folderMode });
      return;
    }
    const start = await readEntryStart(this.#source.read, entry);
    await this.#fill(entry, start, sinkFor(entry, destPath));
  }

  /**
   * Extracts every entry under `root`, each at its name (a safe relative path), as
   * extractFiles() does; folder entries create their folders.
   */
  async extractAll(root: string): Promise<void> {
    for (const entry of this.entries) {
      if (entry.isDirectory) await this.extractTo(entry, join(root, entry.name));
    }
    const files = this.entries.filter((entry) => !entry.isDirectory);
    await this.extractFiles(files.map((entry) => ({ entry, path: join(root, entry.name) })));
  }

  /**
   * Inflates each file entry to its path, in order, one at a time as with extractTo(), which
   * it otherwise matches. Parent folders are created once, first. For plugins of many small
   * files, creating each file costs more than inflating it, so the next few files are
   * created, empty, while the current one is inflated; on failure those are removed too.
   */
  async extractFiles(targets: readonly ExtractTarget[]): Promise<void> {
    for (const target of targets) this.#checkOwn(target.entry);
    for (const folder of new Set(targets.map((target) => dirname(target.path)))) {
      await mkdir(folder, { recursive: true, mode: folderMode });
    }
    const sinks = new Map<ExtractTarget, FileSink>();
    try {
      for (const [index, target] of targets.entries()) {
        const start = await readEntryStart(this.#source.read, target.entry);
        for (const next of targets.slice(index, index + 1 + createAhead)) {
          if (!sinks.has(next)) sinks.set(next, sinkFor(next.entry, next.path));
        }
        const sink = sinks.get(target);
        if (sink === undefined) throw internal(`zip entry ${target.entry.name} lost its file`);
        sinks.delete(target);
        await this.#fill(target.entry, start, sink);
      }
    } finally {
      await Promise.all([...sinks.values()].map((sink) => sink.discard()));
    }
  }

  /** Pumps an entry into its file and closes it, or removes the file if that fails. */
  async #fill(entry: ZipEntry, start: LocalRecord, sink: FileSink): Promise<void> {
    try {
      // The file sink keeps no chunk, and every read is a buffer of its own: both can be freed.
      await pumpEntry(this.#source.read, entry, start, sink, true);
      await sink.finish();
    } catch (err) {
      await sink.discard();
      throw err;
    }
  }

  /**
   * The entry's content as UTF-8 text, for small metadata files such as name.json. Throws
   * 400 naming the entry when it is a folder, declares more than `maxBytes`, is not UTF-8,
   * or fails the same checks as extractTo().
   */
  async readText(entry: ZipEntry, maxBytes: number): Promise<string> {
    this.#checkOwn(entry);
    const label = entryLabel(entry.name);
    if (entry.isDirectory) throw badRequest(`zip entry ${label} is a folder, not a file`);
    if (entry.size > maxBytes) {
      throw badRequest(
        `zip entry ${label} is ${formatSize(entry.size)}, over the ${formatSize(maxBytes)} allowed for it`,
      );
    }
    const sink = new MemorySink();
    await pumpEntry(this.#source.read, entry, await readEntryStart(this.#source.read, entry), sink);
    try {
      return utf8.decode(sink.bytes());
    } catch (err) {
      throw badRequest(`zip entry ${label} is not UTF-8 text`, err);
    }
  }

  /** Closes the zip file; later calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#source.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #checkOwn(entry: ZipEntry): void {
    // Entries are plain objects; one from another archive would read the wrong bytes here.
    if (!this.#known.has(entry)) throw internal(`zip entry ${entry.name} is not from this archive`);
  }
}

/** The sink for a file entry; creating the file starts at once. */
function sinkFor(entry: ZipEntry, destPath: string): FileSink {
  return new FileSink(destPath, fileModeFor(entry.mode), entry.size);
}
