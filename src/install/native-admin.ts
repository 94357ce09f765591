// Reads of native plugins and their function registration: describe, register functions.

import { join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import type { NativeType, PluginRecord } from "../store/plugins-repo.ts";
import type { InstallContext } from "./context.ts";
import { type Loadability, loadability } from "./ekuiper-check.ts";
import { checkFunctionList } from "./names.ts";

export interface NativeDescription extends Partial<Loadability> {
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
  const so = record.files.find((f) => f.startsWith(`plugins/${type}/`) && f.endsWith(".so"));
  return so ? { ...out, ...loadability(ctx, join(ctx.paths.root, so)) } : out;
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
