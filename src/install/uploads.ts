// Files stored under data/uploads/ for later file:// installs: save, list, delete.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatSize } from "../config/units.ts";
import { downloadToFile } from "../download/fetch-to-file.ts";
import { describeError, notFound, tooLarge } from "../errors.ts";
import type { MultipartBody } from "../multipart/multipart-body.ts";
import type { InstallContext } from "./context.ts";
import { downloadOptions } from "./fetch-zip.ts";
import { receiveFilePart } from "./multipart-upload.ts";
import { checkUploadName } from "./names.ts";
import { createStaging } from "./staging.ts";
import type { UploadSlots } from "./upload-slots.ts";

/** What an upload brings: text content or a URL to fetch (named), or a multipart form. */
export type UploadSource =
  | { kind: "content"; name: unknown; content: string }
  | { kind: "url"; name: unknown; url: string }
  | { kind: "multipart"; body: MultipartBody };

/**
 * Stores `source` as `data/uploads/<name>`, replacing a file of that name only once the new one
 * is complete; a multipart file goes to the staging folder as it arrives, never into memory.
 * Returns the stored path. Throws 400 for a bad name or source, 413 past the size cap, 429
 * when `slots` are all taken (before any of the body is read).
 */
export async function saveUpload(
  ctx: InstallContext,
  slots: UploadSlots,
  source: UploadSource,
): Promise<string> {
  const named = source.kind === "multipart" ? undefined : checkUploadName(source.name);
  using _slot = slots.enter();
  const staging = createStaging(ctx.paths.staging, "upload");
  const temp = join(staging.dir, "upload");
  let shown = named ?? "(multipart)";
  try {
    const { name, sha256 } = await writeSource(ctx, source, named, temp);
    shown = name;
    const target = join(ctx.paths.uploads, name);
    const size = statSync(temp).size;
    renameSync(temp, target);
    ctx.store.uploads.put({ name, size, sha256, createdAt: new Date().toISOString() });
    ctx.logger.info(`upload ${name} stored`, { size, sha256 });
    return target;
  } catch (err) {
    ctx.logger.warn(`upload ${shown} failed`, { error: describeError(err) });
    throw err;
  } finally {
    staging.remove();
  }
}

async function writeSource(
  ctx: InstallContext,
  source: UploadSource,
  named: string | undefined,
  temp: string,
): Promise<{ name: string; sha256: string }> {
  const max = ctx.config.plugin.maxDownloadSize;
  if (source.kind === "multipart") return receiveFilePart(source.body, temp, max);
  const name = named ?? checkUploadName(source.name);
  if (source.kind === "url") {
    const downloaded = await downloadToFile(source.url, temp, downloadOptions(ctx));
    return { name, sha256: downloaded.sha256 };
  }
  const data = new TextEncoder().encode(source.content);
  if (data.byteLength > max) {
    throw tooLarge(
      `the upload is ${formatSize(data.byteLength)}, over the ${formatSize(max)} limit (plugin.maxDownloadSize)`,
    );
  }
  await Bun.write(temp, data);
  return { name, sha256: new Bun.CryptoHasher("sha256").update(data).digest("hex") };
}

/** Paths of the stored uploads, sorted. */
export function listUploads(ctx: InstallContext): string[] {
  if (!existsSync(ctx.paths.uploads)) return [];
  return readdirSync(ctx.paths.uploads)
    .filter((f) => statSync(join(ctx.paths.uploads, f)).isFile())
    .sort()
    .map((f) => join(ctx.paths.uploads, f));
}

/** Removes one stored upload; throws 404 when there is none of that name. */
export function deleteUpload(ctx: InstallContext, name: unknown): void {
  const fileName = checkUploadName(name);
  const path = join(ctx.paths.uploads, fileName);
  if (!existsSync(path)) throw notFound(`upload ${fileName} is not found`);
  rmSync(path, { force: true });
  ctx.store.uploads.remove(fileName);
}
