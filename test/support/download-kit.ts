// Helpers for the download tests only: self-removing temporary folders and AppError capture.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/load.ts";
import { type DownloadOptions, downloadLimits } from "../../src/download/download-options.ts";
import { AppError } from "../../src/errors.ts";

/** A fresh folder under the system temp folder, removed with everything in it on disposal. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), "plugd-download-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Status and message of the AppError `work` rejects with; anything else fails the test. */
export async function failure(
  work: Promise<unknown>,
): Promise<{ status: number; message: string }> {
  const err = await work.then(
    () => new Error("expected a rejection, but the work succeeded"),
    (caught: unknown) => caught,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return { status: err.status, message: err.message };
}

/** The limits of the default configuration (src/config/schema.ts), the base tests start from. */
export const defaultDownloadOptions: Readonly<Omit<DownloadOptions, "uploadsDir">> = downloadLimits(
  defaultConfig(".").plugin,
);
