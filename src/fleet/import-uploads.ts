// The uploads of an export: eKuiper's fileContent values, stored before the plugin set applies.
import { AppError, describeError } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { UploadSlots } from "../install/upload-slots.ts";
import { saveUpload } from "../install/uploads.ts";

/**
 * Stores each `{name, content}` or `{name, file}` upload (first, as eKuiper does, since the
 * plugins of the same export may install from them), one at a time. Returns, per key, why one
 * could not be stored; the others are stored all the same.
 */
export async function importUploads(
  ctx: InstallContext,
  uploads: Record<string, string>,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  const slots = new UploadSlots(1);
  for (const [key, text] of Object.entries(uploads)) {
    try {
      const value = JSON.parse(text) as { name?: unknown; content?: unknown; file?: unknown };
      const name = value.name ?? key;
      if (typeof value.content === "string") {
        await saveUpload(ctx, slots, { kind: "content", name, content: value.content });
      } else if (typeof value.file === "string") {
        await saveUpload(ctx, slots, { kind: "url", name, url: value.file });
      } else {
        errors[key] = "invalid body: an upload needs content or file";
      }
    } catch (err) {
      errors[key] = err instanceof AppError ? err.message : `invalid body: ${describeError(err)}`;
    }
  }
  return errors;
}
