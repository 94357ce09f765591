// A zip opened from its fetched tail while its body is still downloading into a GrowingFile.
import type { RemoteTail } from "../download/fetch-tail.ts";
import type { ReadAt } from "./end-record.ts";
import type { GrowingFile } from "./growing-file.ts";
import type { ZipLimits } from "./limits.ts";
import { ZipArchive } from "./zip-archive.ts";

/** The tail did not reach back to the start of the central directory. */
class BeyondTail extends Error {}

/**
 * Vets the zip from `tail` alone, as ZipArchive.open() would vet the whole file, so a refused
 * zip is refused before its body is fetched; entries are then read from `file` as it grows.
 * Undefined when the tail does not hold the whole central directory. The caller must check,
 * once the download is complete, that the file ends with exactly the tail's bytes.
 */
export async function zipFromTail(
  tail: RemoteTail,
  file: GrowingFile,
  limits: ZipLimits,
): Promise<ZipArchive | undefined> {
  const central: ReadAt = async (offset, length) => {
    if (offset < tail.start) throw new BeyondTail();
    return tail.bytes.slice(offset - tail.start, offset - tail.start + length);
  };
  const source = { read: file.read, central, close: async () => file.close() };
  try {
    return await ZipArchive.fromSource(source, tail.size, limits);
  } catch (err) {
    if (err instanceof BeyondTail) return undefined;
    throw err;
  }
}
