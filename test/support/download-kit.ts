// Helpers for the download tests only: self-removing temporary folders and AppError capture.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
