// Reads and removals of native plugins: list, describe, delete, and function registration.
import { badRequest, notFound } from "../errors.ts";
import type { NativeType, PluginRecord } from "../store/plugins-repo.ts";
import { runChange } from "./change.ts";
import { commitChange } from "./commit.ts";
import type { InstallContext } from "./context.ts";
import { checkFunctionList } from "./names.ts";
import { findNativeFiles } from "./native-files.ts";

export interface NativeDescription {
  name: string;
  version: string;
  functions?: string[];
}

/** The answer of GET /plugins/{type}/{name}; throws 404 for an unknown plugin. */
export function describeNative(
  ctx: InstallContext,
  type: NativeType,
  name: string,
): NativeDescription {
  const record = getOrThrow(ctx, type, name);
  const out: NativeDescription = { name, version: record.version.replace(/^v/, "") };
  if (type === "functions" && record.functions !== null) out.functions = record.functions;
  return out;
}

/**
 * Removes the plugin's files (.so, `etc/{type}/name*`) and rows, its functions leaving the
 * registry; all or nothing, like an install. Throws 404 for an unknown plugin.
 */
export function deleteNative(ctx: InstallContext, type: NativeType, name: string): Promise<void> {
  return ctx.locks.with(type, name, async () => {
    const record = getOrThrow(ctx, type, name);
    const files = new Set([...record.files, ...findNativeFiles(ctx.paths.root, type, name)]);
    await runChange(ctx, { type, name, op: "delete", request: {} }, ({ staging, journalId }) =>
      commitChange(ctx.store, {
        journalId,
        home: ctx.paths.root,
        staging,
        remove: [...files].sort(),
        add: [],
        sha256: record.sha256,
        write: () => ctx.store.plugins.remove(type, name),
      }),
    );
  });
}

/**
 * Replaces a function plugin's function list. Throws 404 for an unknown plugin, 400 for an
 * empty list, a bad name or a name another plugin owns.
 */
export function registerFunctions(
  ctx: InstallContext,
  name: string,
  list: readonly unknown[],
): Promise<void> {
  return ctx.locks.with("functions", name, async () => {
    getOrThrow(ctx, "functions", name);
    if (list.length === 0) throw badRequest("property 'functions' must not be empty");
    const functions = checkFunctionList(list);
    const self = { type: "functions" as const, name };
    const [clash] = ctx.store.functions.clashes(functions, self);
    if (clash !== undefined) throw badRequest(`function name ${clash} already exists`);
    ctx.store.transaction(() => {
      ctx.store.plugins.setFunctionList("functions", name, functions);
      ctx.store.functions.replace(self, functions);
    });
  });
}

function getOrThrow(ctx: InstallContext, type: NativeType, name: string): PluginRecord {
  const record = ctx.store.plugins.get(type, name);
  if (!record) throw notFound(`${type} plugin ${name} is not found`);
  return record;
}
