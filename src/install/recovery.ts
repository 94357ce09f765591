// Start-up reconciliation: undo changes a crash interrupted, adopt plugins found on disk.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { InstallContext } from "./context.ts";
import { undoMoves } from "./file-moves.ts";
import { allKinds } from "./kinds.ts";
import type { KindRules } from "./plugin-kind.ts";
import { savePlugin } from "./plugin-record.ts";

export interface RecoveryReport {
  rolledBack: number;
  adopted: string[];
  dropped: string[];
}

/**
 * Makes store and disk agree: every change left half-done by a crash is undone, scratch folders
 * are cleared, plugins found on disk without a row are adopted (as eKuiper lists what it finds
 * on disk), and rows whose files are gone are dropped.
 */
export function reconcile(ctx: InstallContext): RecoveryReport {
  const rolledBack = rollBackUnfinished(ctx);
  for (const leftover of readdirSync(ctx.paths.staging)) {
    rmSync(join(ctx.paths.staging, leftover), { recursive: true, force: true });
  }
  const adopted: string[] = [];
  const dropped: string[] = [];
  for (const kind of allKinds) {
    adopted.push(...adopt(ctx, kind));
    dropped.push(...drop(ctx, kind));
  }
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

/** Gives each plugin found on disk a row; its functions only where no other plugin owns them. */
function adopt(ctx: InstallContext, kind: KindRules): string[] {
  const adopted = new Set<string>();
  for (const facts of kind.scan(ctx)) {
    if (adopted.has(facts.name)) continue;
    const clash = ctx.store.functions.clashes(facts.registry, facts).length > 0;
    ctx.store.transaction(() => savePlugin(ctx.store, clash ? { ...facts, registry: [] } : facts));
    adopted.add(facts.name);
  }
  return [...adopted].map((name) => `${kind.type}/${name}`);
}

function drop(ctx: InstallContext, kind: KindRules): string[] {
  return kind.missing(ctx).map((name) => {
    ctx.store.plugins.remove(kind.type, name);
    return `${kind.type}/${name}`;
  });
}
