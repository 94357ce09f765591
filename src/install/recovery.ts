// Start-up reconciliation: undo changes a crash interrupted, adopt plugins found on disk.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { nativeTypes } from "../config/home.ts";
import type { NativeType } from "../store/plugins-repo.ts";
import type { InstallContext } from "./context.ts";
import { undoMoves } from "./file-moves.ts";
import { isValidName, ucFirst } from "./names.ts";
import { findNativeFiles, parseSoName } from "./native-files.ts";
import { adoptPortables, dropMissingPortables } from "./portable-recovery.ts";

export interface RecoveryReport {
  rolledBack: number;
  adopted: string[];
  dropped: string[];
}

/**
 * Makes store and disk agree: every change left half-done by a crash is undone, scratch folders
 * are cleared, `.so` files without a row are adopted (as eKuiper lists what it finds on disk),
 * and rows whose library is gone are dropped.
 */
export function reconcile(ctx: InstallContext): RecoveryReport {
  const rolledBack = rollBackUnfinished(ctx);
  for (const leftover of readdirSync(ctx.paths.staging)) {
    rmSync(join(ctx.paths.staging, leftover), { recursive: true, force: true });
  }
  const adopted: string[] = [];
  const dropped: string[] = [];
  for (const type of nativeTypes) {
    adopted.push(...adoptFromDisk(ctx, type));
    dropped.push(...dropMissing(ctx, type));
  }
  adopted.push(...adoptPortables(ctx));
  dropped.push(...dropMissingPortables(ctx));
  const report = { rolledBack, adopted, dropped };
  if (rolledBack + adopted.length + dropped.length > 0) {
    ctx.logger.warn("store and disk reconciled", { ...report });
  }
  return report;
}

function rollBackUnfinished(ctx: InstallContext): number {
  const unfinished = ctx.store.journal.unfinished();
  for (const entry of unfinished) {
    undoMoves(entry.moves);
    ctx.store.journal.finish(
      entry.id,
      "rolledback",
      "plugd stopped before the change was committed",
    );
    ctx.logger.warn(`interrupted ${entry.op} of ${entry.type} plugin ${entry.name} rolled back`);
  }
  return unfinished.length;
}

function adoptFromDisk(ctx: InstallContext, type: NativeType): string[] {
  const adopted: string[] = [];
  const dir = join(ctx.paths.plugins, type);
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    const parsed = parseSoName(file);
    if (!parsed || !isValidName(parsed.name)) continue;
    if (ctx.store.plugins.get(type, parsed.name)) continue;
    const now = new Date().toISOString();
    const self = { type, name: parsed.name };
    const clash =
      type === "functions" && ctx.store.functions.clashes([parsed.name], self).length > 0;
    ctx.store.transaction(() => {
      ctx.store.plugins.put({
        ...self,
        version: parsed.version,
        request: { adopted: file },
        sha256: "",
        files: findNativeFiles(ctx.paths.root, type, parsed.name),
        functions: null,
        manifest: null,
        installedAt: now,
        updatedAt: now,
      });
      if (type === "functions" && !clash) ctx.store.functions.replace(self, [parsed.name]);
    });
    adopted.push(`${type}/${parsed.name}`);
  }
  return adopted;
}

function dropMissing(ctx: InstallContext, type: NativeType): string[] {
  // One listing for all rows: reading the folder per row made a start with 1,000 plugins slow.
  const dir = join(ctx.paths.plugins, type);
  const present = new Set<string>();
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    const base = /^([^@]+?)(@[^/]*)?\.so$/.exec(file)?.[1];
    if (base) present.add(base).add(base.charAt(0).toLowerCase() + base.slice(1));
  }
  const dropped: string[] = [];
  for (const name of ctx.store.plugins.names(type)) {
    if (present.has(name) || present.has(ucFirst(name))) continue;
    ctx.store.plugins.remove(type, name);
    dropped.push(`${type}/${name}`);
  }
  return dropped;
}
