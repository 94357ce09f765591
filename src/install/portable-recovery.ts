// Start-up reconciliation of portable plugins: adopt folders with a manifest, drop rows without one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../errors.ts";
import { parseManifest } from "../portable/manifest.ts";
import type { InstallContext } from "./context.ts";
import { isValidName } from "./names.ts";

/** Folders `plugins/portable/<name>/` holding a valid `<name>.json` but no row get one. */
export function adoptPortables(ctx: InstallContext): string[] {
  const root = join(ctx.paths.plugins, "portable");
  const adopted: string[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const manifestFile = join(root, name, `${name}.json`);
    if (
      !isValidName(name) ||
      ctx.store.plugins.get("portables", name) ||
      !existsSync(manifestFile)
    ) {
      continue;
    }
    try {
      const manifest = parseManifest(readFileSync(manifestFile, "utf8"), name);
      const self = { type: "portables" as const, name };
      const clash = ctx.store.functions.clashes(manifest.functions, self).length > 0;
      const now = new Date().toISOString();
      ctx.store.transaction(() => {
        ctx.store.plugins.put({
          ...self,
          version: manifest.version,
          request: { adopted: `plugins/portable/${name}` },
          sha256: "",
          files: [`plugins/portable/${name}`],
          functions: null,
          manifest: { ...manifest },
          installedAt: now,
          updatedAt: now,
        });
        if (!clash) ctx.store.functions.replace(self, manifest.functions);
      });
      adopted.push(`portables/${name}`);
    } catch (err) {
      ctx.logger.warn(`not adopting plugins/portable/${name}`, { error: describeError(err) });
    }
  }
  return adopted;
}

/** Rows whose plugin folder was removed by hand are dropped. */
export function dropMissingPortables(ctx: InstallContext): string[] {
  const dropped: string[] = [];
  for (const name of ctx.store.plugins.names("portables")) {
    if (existsSync(join(ctx.paths.plugins, "portable", name))) continue;
    ctx.store.plugins.remove("portables", name);
    dropped.push(`portables/${name}`);
  }
  return dropped;
}
