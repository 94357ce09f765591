// Read-only questions about installed plugins and functions, for the routes; no Elysia here.
import { join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import { checkName } from "../install/names.ts";
import { storedManifest } from "../portable/manifest.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import type { PluginKind, PluginRecord } from "../store/plugins-repo.ts";
import type { OutputBuffer } from "../supervisor/output-buffer.ts";

/** The sorted names of the installed plugins of `kind` (the store's frozen, cached list). */
export function listPlugins(ctx: InstallContext, kind: PluginKind): readonly string[] {
  return ctx.store.plugins.names(kind);
}

/** eKuiper's PluginInfo of a portable plugin: its manifest, the executable as an absolute path. */
export interface PortableInfo {
  name: string;
  version: string;
  language: string;
  executable: string;
  sources: string[];
  sinks: string[];
  functions: string[];
  virtualEnvType?: string;
  env?: string;
}

/** GET /plugins/portables as eKuiper answers it: a PluginInfo per plugin, sorted by name. */
export function listPortables(ctx: InstallContext): PortableInfo[] {
  return ctx.store.plugins.names("portables").flatMap((name) => {
    const record = ctx.store.plugins.get("portables", name);
    if (!record?.manifest) return [];
    const m = storedManifest(record.manifest, name);
    const executable = join(ctx.paths.plugins, "portable", name, m.executable);
    const info: PortableInfo = {
      name,
      version: m.version,
      language: m.language,
      executable,
      sources: m.sources,
      sinks: m.sinks,
      functions: m.functions,
    };
    if (m.virtualEnvType !== undefined) info.virtualEnvType = m.virtualEnvType;
    if (m.env !== undefined) info.env = m.env;
    return [info];
  });
}

/**
 * The record and live status of portable plugin `name`.
 * @throws AppError 404 when it is not installed (or has no manifest).
 */
export function describePortable(ctx: InstallContext, name: string) {
  const record: PluginRecord | undefined = ctx.store.plugins.get("portables", name);
  if (!record?.manifest) throw notFound(`portable plugin ${name} is not found`);
  const manifest = storedManifest(record.manifest, name);
  return { record, manifest, status: ctx.portables.status(name) };
}

/**
 * The running portable plugin `name`.
 * @throws AppError 400 when it is installed but not running, 404 when it is not installed.
 */
export function runningPortable(ctx: InstallContext, name: string): PortablePlugin {
  const plugin = ctx.portables.get(name);
  if (plugin) return plugin;
  if (ctx.store.plugins.get("portables", name)) {
    throw badRequest(`portable plugin ${name} is not running`);
  }
  throw notFound(`portable plugin ${name} is not found`);
}

/**
 * The last output lines of portable plugin `name`, or undefined when it has not run since
 * plugd started. @throws AppError 404 when it is not installed.
 */
export function portableOutput(ctx: InstallContext, name: string): OutputBuffer | undefined {
  describePortable(ctx, name);
  return ctx.portables.get(name)?.output;
}

/** Every registered function name, of every plugin. */
export function listFunctions(ctx: InstallContext): string[] {
  return ctx.store.functions.names();
}

/**
 * Function `raw` and the plugin that owns it.
 * @throws AppError 400 for an invalid name, 404 when no plugin owns it.
 */
export function describeFunction(ctx: InstallContext, raw: string) {
  const name = checkName(raw, "function");
  const owner = ctx.store.functions.owner(name);
  if (!owner) throw notFound(`function ${name} is not found`);
  return { name, plugin: owner.name };
}
