// Fetches a plugin zip into a staging folder and opens it with the configured caps; where the
// server answers Range requests, the zip is vetted from its tail and read while it downloads.
import { closeSync, openSync, readSync } from "node:fs";
import { redactUrl } from "../download/check-url.ts";
import { downloadLimits } from "../download/download-options.ts";
import { fetchTail, type RemoteTail } from "../download/fetch-tail.ts";
import {
  type Downloaded,
  type DownloadOptions,
  downloadToFile,
} from "../download/fetch-to-file.ts";
import { badRequest } from "../errors.ts";
import { GrowingFile } from "../zip/growing-file.ts";
import { defaultZipLimits, type ZipLimits } from "../zip/limits.ts";
import { ZipArchive } from "../zip/zip-archive.ts";
import { zipFromTail } from "../zip/zip-from-tail.ts";
import type { InstallContext } from "./context.ts";
import type { Staging } from "./staging.ts";

/**
 * How much of a remote zip's end is asked for first: the end record with the longest comment
 * a zip may carry, and the central directory of about 2,500 entries. A zip whose central
 * directory starts earlier is downloaded whole first, as from a server without ranges.
 */
const tailLength = 256 * 1024;

export interface FetchedZip {
  zip: ZipArchive;
  /** Bytes of the zip still to come to disk: all of it for a zip read while it downloads. */
  pendingBytes: number;
  /**
   * Settles once the whole zip is on disk and checked: its sha256 when one was asked for, and,
   * for a zip read while it downloaded, that it ends with exactly the bytes that were vetted.
   */
  complete(): Promise<Downloaded>;
  /** Stops a download still running and waits for it to end, then closes the zip. */
  close(): Promise<void>;
}

/**
 * Fetches `url` to `staging.zipFile` (checking `sha256` when given) and opens it as a zip. An
 * http(s) server that answers a Range request for the zip's end lets every entry be vetted
 * before the body is fetched, and the entries be inflated while the body arrives.
 */
export async function fetchZip(
  ctx: InstallContext,
  staging: Staging,
  url: string,
  sha256: string | undefined,
): Promise<FetchedZip> {
  const options: DownloadOptions = {
    ...downloadOptions(ctx),
    ...(sha256 === undefined ? {} : { expectedSha256: sha256 }),
  };
  const limits = zipLimits(ctx);
  const tail = await fetchTail(url, tailLength, options);
  // A zip no larger than the tail came whole with it: it is not asked for again.
  const whole = tail?.start === 0 ? { prefetched: tail.bytes } : undefined;
  const streamed = tail && !whole && (await streamZip(url, tail, staging.zipFile, options, limits));
  if (streamed) return streamed;
  const downloaded = await downloadToFile(url, staging.zipFile, { ...options, ...whole });
  const zip = await ZipArchive.open(staging.zipFile, limits);
  return { zip, pendingBytes: 0, complete: async () => downloaded, close: () => zip.close() };
}

/** The zip vetted from its tail, read from `path` while its download fills it; see fetchZip. */
async function streamZip(
  url: string,
  tail: RemoteTail,
  path: string,
  options: DownloadOptions,
  limits: ZipLimits,
): Promise<FetchedZip | undefined> {
  const shown = redactUrl(url);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let download: Promise<Downloaded> | undefined;
  // The body is asked for once a byte of it is wanted: a zip refused by its plan, a claim or
  // the room it needs is refused without being downloaded.
  const begin = (): Promise<Downloaded> => {
    download ??= fill(file, { url, path, tail, shown }, { ...options, signal });
    return download;
  };
  const file = new GrowingFile(path, tail.size, shown, () => void begin());
  const zip = await zipFromTail(tail, file, limits);
  if (zip === undefined) return undefined;
  const close = async () => {
    stop.abort(badRequest(`the install from ${shown} ended before its download`));
    await download?.catch(() => undefined);
    await zip.close();
  };
  return { zip, pendingBytes: tail.size, complete: begin, close };
}

/** Downloads the zip into `file`, then checks that it is the one its tail promised. */
function fill(
  file: GrowingFile,
  zip: { url: string; path: string; tail: RemoteTail; shown: string },
  options: DownloadOptions,
): Promise<Downloaded> {
  const onWritten = (bytes: number) => file.grew(bytes);
  const download = downloadToFile(zip.url, zip.path, { ...options, onWritten }).then(
    (done) => {
      checkEndsWith(zip.path, zip.tail, done.size, zip.shown);
      file.ended();
      return done;
    },
    (err: unknown) => {
      file.ended(err);
      throw err;
    },
  );
  // Its failure reaches the caller through complete() and the reads that wait on it.
  download.catch(() => undefined);
  return download;
}

/** 400 unless the downloaded file is as long as declared and ends with the tail's bytes. */
function checkEndsWith(path: string, tail: RemoteTail, size: number, shown: string): void {
  const differs = `the server sent ${shown} with other bytes than it gave for the zip's end`;
  if (size !== tail.size) throw badRequest(`${differs}: ${size} bytes, not ${tail.size}`);
  const fd = openSync(path, "r");
  try {
    const bytes = new Uint8Array(tail.bytes.length);
    const read = readSync(fd, bytes, 0, bytes.length, tail.start);
    if (read !== bytes.length || !Buffer.from(bytes).equals(tail.bytes)) throw badRequest(differs);
  } finally {
    closeSync(fd);
  }
}

function zipLimits(ctx: InstallContext): ZipLimits {
  const { plugin } = ctx.config;
  return {
    maxEntries: plugin.maxEntries,
    maxEntrySize: plugin.maxEntrySize,
    maxTotalSize: plugin.maxTotalSize,
    maxRatio: plugin.maxRatio,
    ratioMinSize: defaultZipLimits.ratioMinSize,
  };
}

/** The download limits and policies the configuration sets (plugin.*). */
export function downloadOptions(ctx: InstallContext): DownloadOptions {
  return { ...downloadLimits(ctx.config.plugin), uploadsDir: ctx.paths.uploads };
}
