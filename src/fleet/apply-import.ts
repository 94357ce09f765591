// Applies an import plan as one transaction: stage every change first, then commit them together.
import { badRequest } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import {
  applyChanges,
  type PreparedChange,
  prepareDelete,
  prepareInstall,
} from "../install/install-flow.ts";
import { kindOf } from "../install/kinds.ts";
import type { PlanEntry } from "./import-plan.ts";

/** Which entry is being staged, for progress reports. */
export type Progress = (done: number, total: number, current: PlanEntry | undefined) => void;

/**
 * Stages every install and update of `entries` (downloads, vets, runs install.sh) and every
 * removal, holding every plugin's lock, then commits them all at once. Any failure, before or
 * during the commit, leaves every plugin as it was; the error names the entry. Unchanged
 * entries are not touched. `signal` stops the staging between entries (nothing is committed).
 */
export async function applyImport(
  ctx: InstallContext,
  entries: readonly PlanEntry[],
  options: { progress?: Progress; signal?: AbortSignal } = {},
): Promise<void> {
  const changing = entries.filter((e) => e.action !== "unchanged");
  const locks = changing.map((e) => [e.type, e.name] as [string, string]);
  const leaving = new Set(
    changing.filter((e) => e.action === "remove").map((e) => `${e.type}/${e.name}`),
  );
  await ctx.locks.withAll(locks, async () => {
    const prepared: PreparedChange[] = [];
    try {
      for (const [index, entry] of changing.entries()) {
        options.signal?.throwIfAborted();
        options.progress?.(index, changing.length, entry);
        prepared.push(await prepare(ctx, entry, leaving));
      }
      checkBatch(changing, prepared);
    } catch (err) {
      for (const p of prepared) p.open.failed(err);
      throw err;
    }
    await applyChanges(ctx, prepared);
    options.progress?.(changing.length, changing.length, undefined);
  });
}

async function prepare(
  ctx: InstallContext,
  entry: PlanEntry,
  leaving: ReadonlySet<string>,
): Promise<PreparedChange> {
  const kind = kindOf(entry.type);
  const current = ctx.store.plugins.get(entry.type, entry.name);
  try {
    if (entry.action === "remove") {
      if (!current) throw badRequest(`${entry.type} plugin ${entry.name} is gone already`);
      return prepareDelete(ctx, kind, current);
    }
    if (!entry.request) throw badRequest(`no request for ${entry.key}`);
    return await prepareInstall(ctx, kind, entry.request, current, leaving);
  } catch (err) {
    throw new ImportError(entry, err);
  }
}

/** Two changes of one import may not take the same file, symbol or function. */
function checkBatch(entries: readonly PlanEntry[], prepared: readonly PreparedChange[]): void {
  const taken = new Map<string, PlanEntry>();
  prepared.forEach((p, i) => {
    const entry = entries[i];
    if (!p.claim || !entry) return;
    const things = [
      ...p.claim.items.map((item) => `file ${item}`),
      ...p.claim.symbols.sources.map((s) => `source ${s}`),
      ...p.claim.symbols.sinks.map((s) => `sink ${s}`),
      ...p.claim.functions.map((f) => `function ${f}`),
    ];
    for (const thing of things) {
      const other = taken.get(thing);
      if (other) throw new ImportError(entry, badRequest(`${thing} is also taken by ${other.key}`));
      taken.set(thing, entry);
    }
  });
}

/** The failure of one entry of an import, saying which. */
export class ImportError extends Error {
  readonly entry: PlanEntry;

  constructor(entry: PlanEntry, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "ImportError";
    this.entry = entry;
  }
}
