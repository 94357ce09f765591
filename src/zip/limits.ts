// Caps on what a zip may declare, checked against the central directory before anything is written.
import { formatSize } from "../config/units.ts";
import { badRequest } from "../errors.ts";
import { entryLabel } from "./safe-path.ts";

/** The caps one extraction runs under; each maps to a `plugin.*` configuration key. */
export interface ZipLimits {
  /** Most entries a zip may list, folders included (plugin.maxEntries). */
  maxEntries: number;
  /** Most bytes one entry may declare uncompressed (plugin.maxEntrySize). */
  maxEntrySize: number;
  /** Most bytes all entries together may declare uncompressed (plugin.maxTotalSize). */
  maxTotalSize: number;
  /** Highest uncompressed-to-compressed ratio an entry may declare (plugin.maxRatio). */
  maxRatio: number;
  /**
   * Entries declaring at most this many bytes skip the ratio check: small files such as a
   * page of spaces compress far beyond any sane ratio, yet cannot fill a disk.
   */
  ratioMinSize: number;
}

export const defaultZipLimits: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 10_000,
  maxEntrySize: 256 * 1024 ** 2,
  maxTotalSize: 512 * 1024 ** 2,
  maxRatio: 100,
  ratioMinSize: 100 * 1024,
});

/** What the checks need to know of an entry: its name and its declared sizes. */
export interface DeclaredSizes {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
}

/** Throws 400 when a zip lists more entries than `maxEntries`. */
export function checkEntryCount(count: number, limits: Pick<ZipLimits, "maxEntries">): void {
  if (count > limits.maxEntries) {
    throw badRequest(
      `zip has ${count} entries, over the limit of ${limits.maxEntries} (plugin.maxEntries)`,
    );
  }
}

/**
 * Checks the declared sizes of all entries against the limits. Throws 400 naming the entry
 * and the limit it breaks: too many entries, an entry too large or too compressed, or the
 * entry at which the running total passes `maxTotalSize`.
 */
export function checkLimits(entries: readonly DeclaredSizes[], limits: ZipLimits): void {
  checkEntryCount(entries.length, limits);
  let total = 0;
  for (const entry of entries) {
    checkEntrySize(entry, limits);
    total += entry.size;
    if (total > limits.maxTotalSize) {
      throw badRequest(
        `zip entries add up to ${formatSize(total)} by zip entry ${entryLabel(entry.name)}, ` +
          `over the ${formatSize(limits.maxTotalSize)} limit for a whole zip (plugin.maxTotalSize)`,
      );
    }
  }
}

function checkEntrySize(entry: DeclaredSizes, limits: ZipLimits): void {
  const label = entryLabel(entry.name);
  if (entry.size > limits.maxEntrySize) {
    throw badRequest(
      `zip entry ${label} declares ${formatSize(entry.size)}, ` +
        `over the ${formatSize(limits.maxEntrySize)} limit per entry (plugin.maxEntrySize)`,
    );
  }
  if (entry.size <= limits.ratioMinSize) return;
  // A zero compressed size cannot hold data; dividing by one keeps the ratio finite.
  const ratio = entry.size / Math.max(entry.compressedSize, 1);
  if (ratio > limits.maxRatio) {
    throw badRequest(
      `zip entry ${label} declares ${formatSize(entry.size)} from ` +
        `${formatSize(entry.compressedSize)} compressed, a ratio of ${Math.round(ratio)}, ` +
        `over the limit of ${limits.maxRatio} (plugin.maxRatio)`,
    );
  }
}
