// file:// plugin URLs: a regular file, kept inside the uploads folder unless external access is on.

import { constants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type AppError, badRequest, describeError } from "../errors.ts";
import { type DownloadOptions, sizeLimitError } from "./download-options.ts";
import type { NextChunk, Source } from "./write-to-new-file.ts";

type FileOptions = Pick<DownloadOptions, "allowExternalFileAccess" | "uploadsDir" | "maxBytes">;

const chunkSize = 64 * 1024;

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function fileError(shown: string, path: string, err: unknown): AppError {
  const code = err instanceof Error && "code" in err ? err.code : undefined;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return badRequest(`cannot download ${shown}: ${path} does not exist`, err);
  }
  return badRequest(`cannot download ${shown}: ${describeError(err)}`, err);
}

function toPath(url: URL, shown: string): string {
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw badRequest(`invalid uri ${shown}: ${describeError(err)}`, err);
  }
}

/**
 * The real path to read. With external access off it must lie in the real uploads folder after
 * symlinks are resolved, so that a link inside cannot lead out. A missing path outside is
 * refused as outside, not as missing, so that nothing outside can be probed.
 */
async function locate(url: URL, shown: string, options: FileOptions): Promise<string> {
  const path = toPath(url, shown);
  const real = await realpath(path).catch((err: unknown) => fileError(shown, path, err));
  if (options.allowExternalFileAccess) {
    if (typeof real !== "string") throw real;
    return real;
  }
  const uploads = await realpath(options.uploadsDir).catch(() => undefined);
  const inUploads = (file: string) => uploads !== undefined && isInside(uploads, file);
  if (typeof real === "string" && inUploads(real)) return real;
  const looksInside = isInside(resolve(options.uploadsDir), path) || inUploads(path);
  if (typeof real !== "string" && looksInside) throw real;
  throw badRequest(
    `cannot download ${shown}: file:// URLs must point into ${options.uploadsDir} (plugin.allowExternalFileAccess is false)`,
  );
}

function readChunks(handle: FileHandle, shown: string): NextChunk {
  const buffer = new Uint8Array(chunkSize);
  // One buffer serves every read: the writer is done with a chunk before the next is read.
  return async () => {
    const { bytesRead } = await handle.read(buffer, 0, chunkSize, null).catch((err: unknown) => {
      throw badRequest(`cannot download ${shown}: ${describeError(err)}`, err);
    });
    return bytesRead === 0 ? undefined : buffer.subarray(0, bytesRead);
  };
}

/**
 * Opens the file a file:// URL names. Only a regular file is read: a directory, device or FIFO
 * is refused before a byte is read. O_NONBLOCK keeps a FIFO from blocking the open, and
 * O_NOFOLLOW keeps a symlink swapped in after `realpath` from being followed.
 * @throws AppError 400 (bad path, missing, outside the uploads folder, not a regular file),
 *   413 when the file is larger than `maxBytes`.
 */
export async function openLocalFile(
  url: URL,
  shown: string,
  options: FileOptions,
): Promise<Source> {
  const path = await locate(url, shown, options);
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await open(path, flags).catch((err: unknown) => {
    throw fileError(shown, path, err);
  });
  const stats = await handle.stat();
  let refusal: AppError | undefined;
  if (!stats.isFile()) {
    refusal = badRequest(`cannot download ${shown}: ${path} is not a regular file`);
  } else if (stats.size > options.maxBytes) {
    refusal = sizeLimitError(shown, options.maxBytes);
  }
  if (refusal) {
    await handle.close();
    throw refusal;
  }
  return { next: readChunks(handle, shown), close: () => handle.close() };
}
