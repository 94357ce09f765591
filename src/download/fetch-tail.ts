// The end of a remote zip, fetched first with a Range request, so its entries can be vetted before its body arrives.
import { checkPluginUrl, redactUrl } from "./check-url.ts";
import type { DownloadOptions } from "./download-options.ts";
import { httpContext } from "./fetch-to-file.ts";
import { followRedirects } from "./open-http.ts";

/** The last bytes of a remote file and where they lie in it. */
export interface RemoteTail {
  readonly bytes: Uint8Array;
  /** Their offset in the file. */
  readonly start: number;
  /** The file's whole size, as the server declared it. */
  readonly size: number;
}

const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * Asks an http(s) URL for its last `length` bytes: one suffix Range request, redirects followed
 * and every hop checked as for the download itself. What would refuse the download refuses
 * this request alike (a host not allowed, an HTTP error, a network failure) and is thrown, so
 * the URL is asked once. Undefined when the answer is anything but those bytes (a server
 * without ranges answers 200 or 416; an unknown size or encoding; a file over `maxBytes`; a
 * body not read within `plugin.connectTimeout`): the caller then downloads the file whole.
 */
export async function fetchTail(
  url: string,
  length: number,
  options: DownloadOptions,
): Promise<RemoteTail | undefined> {
  const parsed = checkPluginUrl(url, options.pathSuffix);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  const ctx = {
    ...httpContext(redactUrl(url), options, options.signal ?? new AbortController().signal),
    headers: { range: `bytes=-${length}`, "accept-encoding": "identity" },
  };
  const res = await followRedirects(parsed, ctx, (answer) => answer.ok || answer.status === 416);
  const range = rangeOf(res, length, options.maxBytes);
  if (range === undefined) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const bytes = await readExactly(res, range.end - range.start + 1, options.connectTimeoutMs);
  return bytes && { bytes, start: range.start, size: range.size };
}

/**
 * The range a 206 answer declares, if it is a suffix of at most the `length` bytes asked for
 * (a server may not make plugd hold more) of a file within `maxBytes`.
 */
function rangeOf(res: Response, length: number, maxBytes: number) {
  const encoding = res.headers.get("content-encoding");
  if (res.status !== 206 || (encoding !== null && encoding !== "identity")) return undefined;
  const match = contentRange.exec(res.headers.get("content-range") ?? "");
  if (match === null) return undefined;
  const [start, end, size] = [match[1], match[2], match[3]].map(Number);
  if (start === undefined || end === undefined || size === undefined) return undefined;
  if (end !== size - 1 || start > end || end - start + 1 > length || size > maxBytes) {
    return undefined;
  }
  return { start, end, size };
}

/**
 * The body, if it is exactly `expected` bytes and arrives within `ms`; reading stops at the
 * first byte past that, or when the time is up.
 */
async function readExactly(
  res: Response,
  expected: number,
  ms: number,
): Promise<Uint8Array | undefined> {
  const reader = res.body?.getReader();
  if (reader === undefined) return undefined;
  const stop = () => reader.cancel().catch(() => undefined);
  const timer = setTimeout(stop, ms);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      total += part.value.byteLength;
      if (total > expected) break;
      chunks.push(part.value);
    }
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (total !== expected) {
    await stop();
    return undefined;
  }
  return Bun.concatArrayBuffers(chunks, Number.POSITIVE_INFINITY, true);
}
