// Room on the home's file system: checked before a zip is inflated, and named when it runs out.
import { statfsSync } from "node:fs";
import { type AppError, errnoCode, insufficientStorage } from "../errors.ts";

/** Bytes free for plugd (not root's reserve) on the file system holding `path`. */
export function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}

/** Size in bytes of the file system holding `path`. */
export function totalBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.blocks * stats.bsize;
}

/** 507 "no space left in <home>: needed 8.0 MiB (8388608 bytes), free …". */
export function noSpace(home: string, needed: number, free: number): AppError {
  return insufficientStorage(
    `no space left in ${home}: needed ${sized(needed)}, free ${sized(free)}`,
  );
}

function sized(bytes: number): string {
  const mib = 1024 * 1024;
  const round =
    bytes >= mib ? `${(bytes / mib).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
  return `${round} (${bytes} bytes)`;
}

/** Throws 507 when `needed` bytes do not fit on the file system of `dir` (inside `home`). */
export function checkSpace(home: string, dir: string, needed: number): void {
  const free = freeBytes(dir);
  if (needed > free) throw noSpace(home, needed, free);
}

/**
 * Runs `work`; a disk-full error it throws (ENOSPC, EDQUOT), or one it wraps as the cause
 * (a download that could not be written), becomes the 507 of noSpace.
 */
export async function namingFullDisk<T>(
  home: string,
  dir: string,
  needed: number,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = errnoCode(err) ?? (err instanceof Error ? errnoCode(err.cause) : undefined);
    if (code === "ENOSPC" || code === "EDQUOT") throw noSpace(home, needed, freeBytes(dir));
    throw err;
  }
}
