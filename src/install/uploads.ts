// Files stored under data/uploads/ for later file:// installs: save, list, delete.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatSize } from "../config/units.ts";
import { downloadToFile } from "../download/fetch-to-file.ts";
import { describeError, notFound, tooLarge } from "../errors.ts";
import type { InstallContext } from "./context.ts";
import { downloadOptions } from "./fetch-zip.ts";
import { checkUploadName } from "./names.ts";
import { createStaging } from "./staging.ts";

/** What an upload brings: text content, a URL to fetch, or a file from a multipart form. */
export type UploadSource =
  | { kind: "content"; content: string }
  | { kind: "url"; url: string }
  | { kind: "blob"; blob: Blob };

/**
 * Stores `source` as `data/uploads/<name>`, replacing a file of that name only once the new one
 * is complete. Returns the stored path. Throws 400 for a bad name or source, 413 past the size cap.
 */
export async function saveUpload(
  ctx: InstallContext,
  name: unknown,
  source: UploadSource,
): Promise<string> {
  const fileName = checkUploadName(name);
  const staging = createStaging(ctx.paths.staging, "upload");
  const temp = join(staging.dir, "upload");
  try {
    const sha256 = await writeSource(ctx, source, temp);
    const target = join(ctx.paths.uploads, fileName);
    const size = statSync(temp).size;
    renameSync(temp, target);
    ctx.store.uploads.put({ name: fileName, size, sha256, createdAt: new Date().toISOString() });
    ctx.logger.info(`upload ${fileName} stored`, { size, sha256 });
    return target;
  } catch (err) {
    ctx.logger.warn(`upload ${fileName} failed`, { error: describeError(err) });
    throw err;
  } finally {
    staging.remove();
  }
}

async function writeSource(
  ctx: InstallContext,
  source: UploadSource,
  temp: string,
): Promise<string> {
  const max = ctx.config.plugin.maxDownloadSize;
  if (source.kind === "url") {
    const downloaded = await downloadToFile(source.url, temp, downloadOptions(ctx));
    return downloaded.sha256;
  }
  const data = source.kind === "content" ? new TextEncoder().encode(source.content) : source.blob;
  const size = data instanceof Blob ? data.size : data.byteLength;
  if (size > max) {
    throw tooLarge(
      `the upload is ${formatSize(size)}, over the ${formatSize(max)} limit (plugin.maxDownloadSize)`,
    );
  }
  await Bun.write(temp, data);
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(data instanceof Blob ? await data.arrayBuffer() : data);
  return hasher.digest("hex");
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
