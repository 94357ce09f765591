// The limits and policies of one download, their defaults, and the errors that name them.

import type { Config } from "../config/schema.ts";
import { formatDuration, formatSize } from "../config/units.ts";
import { type AppError, badRequest, tooLarge } from "../errors.ts";

/** How one plugin download is bounded and where it may reach; every field maps to a config key. */
export interface DownloadOptions {
  /** `plugin.maxDownloadSize`: more bytes than this is a 413, whatever Content-Length says. */
  maxBytes: number;
  /** `plugin.connectTimeout`: per request (each redirect hop), from sending it to its headers. */
  connectTimeoutMs: number;
  /** `plugin.downloadTimeout`: the whole call, redirects and body included. */
  totalTimeoutMs: number;
  /** Redirects followed before the download is refused; no config key sets it. */
  maxRedirects: number;
  /** `plugin.allowedHosts`: empty allows any host; see host-policy.ts for the matching rules. */
  allowedHosts: readonly string[];
  /** `plugin.allowExternalFileAccess`: false keeps file:// URLs inside `uploadsDir`. */
  allowExternalFileAccess: boolean;
  /** `data/uploads/`, the one folder file:// may read when external access is off. */
  uploadsDir: string;
  /** The ending the URL's path must have (default ".zip"; "" for any). */
  pathSuffix?: string;
  /** Hex SHA-256 the content must have; compared case-insensitively. */
  expectedSha256?: string;
  /** Aborts the download; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The whole content, fetched already (a zip no larger than the tail asked for first): it is
   * checked and written like a download, without asking the URL again.
   */
  prefetched?: Uint8Array;
  /** Told the bytes on disk so far after each write, so a reader can follow the file as it grows. */
  onWritten?: (bytes: number) => void;
}

/** What landed on disk. */
export interface Downloaded {
  path: string;
  size: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

/** The limits and policies the `plugin.*` keys set; callers add `uploadsDir`. */
export function downloadLimits(plugin: Config["plugin"]): Omit<DownloadOptions, "uploadsDir"> {
  return {
    maxBytes: plugin.maxDownloadSize,
    connectTimeoutMs: plugin.connectTimeout,
    totalTimeoutMs: plugin.downloadTimeout,
    maxRedirects: 5,
    allowedHosts: plugin.allowedHosts,
    allowExternalFileAccess: plugin.allowExternalFileAccess,
  };
}

/** 413 naming the limit and the key that sets it. */
export function sizeLimitError(shownUrl: string, maxBytes: number): AppError {
  return tooLarge(
    `download of ${shownUrl} exceeds the ${formatSize(maxBytes)} limit (plugin.maxDownloadSize)`,
  );
}

/** 400 naming the timeout that ran out and the key that sets it. */
export function timeoutError(shownUrl: string, ms: number, key: string): AppError {
  return badRequest(`download of ${shownUrl} timed out after ${formatDuration(ms)} (${key})`);
}
