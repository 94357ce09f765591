// Downloads a plugin zip into a staging folder and opens it with the configured caps.
import { downloadLimits } from "../download/download-options.ts";
import { type DownloadOptions, downloadToFile } from "../download/fetch-to-file.ts";
import { defaultZipLimits } from "../zip/limits.ts";
import { ZipArchive } from "../zip/zip-archive.ts";
import type { InstallContext } from "./context.ts";
import type { Staging } from "./staging.ts";

export interface FetchedZip {
  zip: ZipArchive;
  sha256: string;
  size: number;
}

/** Fetches `url` to `staging.zipFile` (checking `sha256` when given) and opens it as a zip. */
export async function fetchZip(
  ctx: InstallContext,
  staging: Staging,
  url: string,
  sha256: string | undefined,
): Promise<FetchedZip> {
  const { plugin } = ctx.config;
  const downloaded = await downloadToFile(url, staging.zipFile, {
    ...downloadOptions(ctx),
    ...(sha256 === undefined ? {} : { expectedSha256: sha256 }),
  });
  const zip = await ZipArchive.open(staging.zipFile, {
    maxEntries: plugin.maxEntries,
    maxEntrySize: plugin.maxEntrySize,
    maxTotalSize: plugin.maxTotalSize,
    maxRatio: plugin.maxRatio,
    ratioMinSize: defaultZipLimits.ratioMinSize,
  });
  return { zip, sha256: downloaded.sha256, size: downloaded.size };
}

/** The download limits and policies the configuration sets (plugin.*). */
export function downloadOptions(ctx: InstallContext): DownloadOptions {
  return { ...downloadLimits(ctx.config.plugin), uploadsDir: ctx.paths.uploads };
}
