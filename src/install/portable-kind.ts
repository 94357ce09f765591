// The rules of portable plugins: the manifest, eKuiper's layout, and the process plugd runs.
import { chmodSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { badRequest, describeError } from "../errors.ts";
import { parseManifest, storedManifest } from "../portable/manifest.ts";
import type { PluginRecord } from "../store/plugins-repo.ts";
import type { ZipArchive } from "../zip/zip-archive.ts";
import type { InstallContext } from "./context.ts";
import type { InstallRequest } from "./install-request.ts";
import { isValidName } from "./names.ts";
import type { InstallPlan, KindRules } from "./plugin-kind.ts";
import type { PluginFacts } from "./plugin-record.ts";
import { planPortableLayout, portableItems } from "./portable-layout.ts";

const folderOf = (name: string): string => `plugins/portable/${name}`;

/**
 * The control address is fixed per name, so an update stops the old process just before its
 * files move and starts the new one from its final folder; a failed change starts the old again.
 */
export const portableKind: KindRules = {
  type: "portables",
  label: "portable",
  sharesFiles: () => false,
  plan,
  check: (_ctx, staging, planned, name) => {
    const executable = planned.manifest?.executable ?? "";
    chmodSync(join(staging.tree, folderOf(name), executable), 0o755);
  },
  filesOf: (_ctx, record) => record.files,
  scan,
  missing: (ctx) =>
    ctx.store.plugins
      .names("portables")
      .filter((name) => !existsSync(join(ctx.paths.root, folderOf(name)))),
  release: async (ctx, record, op) => {
    const why =
      op === "update"
        ? `portable plugin ${record.name} is being updated; reconnect once it is back`
        : `portable plugin ${record.name} was deleted`;
    await ctx.portables.stop(record.name, why);
    return () => restart(ctx, record);
  },
  activate: async (ctx, name, planned) => {
    if (planned.manifest) await ctx.portables.start(name, planned.manifest);
    return () => ctx.portables.stop(name, `the change to portable plugin ${name} was undone`);
  },
};

async function plan(zip: ZipArchive, request: InstallRequest, _home: string): Promise<InstallPlan> {
  const entries = zip.entries.filter((e) => !e.isDirectory).map((e) => e.name);
  const manifestFile = `${request.name}.json`;
  const manifestEntry = zip.entries.find((e) => e.name === manifestFile);
  if (!manifestEntry) {
    throw badRequest(`invalid zip: it lacks the manifest ${manifestFile} at its top level`);
  }
  const manifest = parseManifest(await zip.readText(manifestEntry, 1024 * 1024), request.name);
  const placed = planPortableLayout(request.name, manifest, entries);
  return {
    placed,
    items: portableItems(request.name, placed),
    kept: [],
    script: entries.includes("install.sh")
      ? { area: "home", path: folderOf(request.name) }
      : undefined,
    manifest,
    symbols: { sources: manifest.sources, sinks: manifest.sinks },
    facts: { version: manifest.version, functions: null, registry: manifest.functions },
  };
}

/** After a failed update or delete, the old version's files are back: start it again. */
async function restart(ctx: InstallContext, record: PluginRecord): Promise<void> {
  if (record.manifest) {
    await ctx.portables.startQuietly(record.name, storedManifest(record.manifest, record.name));
  }
}

/** Folders `plugins/portable/<name>/` holding a valid `<name>.json` but no row. */
function scan(ctx: InstallContext): PluginFacts[] {
  const root = join(ctx.paths.plugins, "portable");
  const found: PluginFacts[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const manifestFile = join(root, name, `${name}.json`);
    if (!isValidName(name) || ctx.store.plugins.get("portables", name)) continue;
    if (!existsSync(manifestFile)) continue;
    try {
      const manifest = parseManifest(readFileSync(manifestFile, "utf8"), name);
      found.push({
        type: "portables",
        name,
        version: manifest.version,
        request: { adopted: folderOf(name) },
        sha256: "",
        files: [folderOf(name)],
        functions: null,
        manifest: { ...manifest },
        registry: manifest.functions,
      });
    } catch (err) {
      ctx.logger.warn(`not adopting ${folderOf(name)}`, { error: describeError(err) });
    }
  }
  return found;
}
