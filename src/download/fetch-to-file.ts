// downloadToFile: a plugin zip from an http(s) or file:// URL to a file, bounded and checked.

import { badRequest } from "../errors.ts";
import { release } from "../zip/release.ts";
import { checkSha256 } from "./check-sha256.ts";
import { checkPluginUrl, redactUrl } from "./check-url.ts";
import {
  type Downloaded,
  type DownloadOptions,
  sizeLimitError,
  timeoutError,
} from "./download-options.ts";
import { parseHostPolicy } from "./host-policy.ts";
import { type HttpContext, openHttp } from "./open-http.ts";
import { openLocalFile } from "./open-local-file.ts";
import { type Source, type Written, writeToNewFile } from "./write-to-new-file.ts";

export { checkPluginUrl } from "./check-url.ts";
export type { Downloaded, DownloadOptions } from "./download-options.ts";

/** The request context of an http(s) download: its limits, host policy, URL shown and signal. */
export function httpContext(
  shown: string,
  options: DownloadOptions,
  signal: AbortSignal,
): HttpContext {
  return { options, policy: parseHostPolicy(options.allowedHosts), shown, signal };
}

/** Content already in memory, as one chunk. */
function bytesSource(bytes: Uint8Array): Source {
  let given = false;
  const next = async () => {
    if (given) return undefined;
    given = true;
    return bytes;
  };
  return { next, close: async () => {} };
}

function openSource(
  url: URL,
  shown: string,
  options: DownloadOptions,
  signal: AbortSignal,
): Promise<Source> {
  if (url.protocol === "file:") return openLocalFile(url, shown, options);
  return openHttp(url, httpContext(shown, options, signal));
}

/**
 * Validates `url` (see `checkPluginUrl`), then streams its content to `destPath`, which must not
 * exist yet, hashing as it goes; the content is never held whole in memory. On any failure
 * `destPath` does not exist afterwards. `totalTimeoutMs` bounds the whole call; for http(s)
 * each request (first and every redirect) must also have its headers within `connectTimeoutMs`.
 * @throws AppError 400 (bad URL, refused host or redirect, HTTP error, network failure,
 *   timeout, bad file, checksum mismatch), 413 (over `maxBytes`), 500 (cannot write
 *   `destPath`); when `options.signal` aborts, its reason.
 */
export async function downloadToFile(
  url: string,
  destPath: string,
  options: DownloadOptions,
): Promise<Downloaded> {
  const parsed = checkPluginUrl(url, options.pathSuffix);
  const expected = checkSha256(options.expectedSha256);
  const shown = redactUrl(url);
  const total = new AbortController();
  const timer = setTimeout(() => {
    total.abort(timeoutError(shown, options.totalTimeoutMs, "plugin.downloadTimeout"));
  }, options.totalTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, total.signal]) : total.signal;
  let source: Source | undefined;
  try {
    signal.throwIfAborted();
    source = options.prefetched
      ? bytesSource(options.prefetched)
      : await openSource(parsed, shown, options, signal);
    const accept = (written: Written) => {
      if (expected !== undefined && written.sha256 !== expected) {
        throw badRequest(
          `checksum mismatch for ${shown}: expected sha256 ${expected}, got ${written.sha256}`,
        );
      }
    };
    const overLimit = () => sizeLimitError(shown, options.maxBytes);
    const { maxBytes, onWritten } = options;
    const limits = {
      maxBytes,
      overLimit,
      signal,
      accept,
      ...(onWritten ? { onWritten } : {}),
      // A download of tens of MiB would otherwise wait in freed chunks for the collector.
      ...(source.ownsChunks ? { spent: (chunk: Uint8Array) => release([chunk]) } : {}),
    };
    const written = await writeToNewFile(destPath, source.next, limits);
    return { path: destPath, ...written };
  } finally {
    clearTimeout(timer);
    await source?.close();
  }
}
