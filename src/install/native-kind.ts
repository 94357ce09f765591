// The rules of native plugins (sources, sinks, functions): eKuiper's layout, the .so's CPU, adoption.
import { closeSync, existsSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { nativeTypes } from "../config/home.ts";
import { badRequest } from "../errors.ts";
import type { NativeType } from "../store/plugins-repo.ts";
import type { ZipArchive } from "../zip/zip-archive.ts";
import type { InstallContext } from "./context.ts";
import { checkLoadable } from "./ekuiper-check.ts";
import { elfArchitecture, serverArchitecture } from "./elf.ts";
import type { InstallRequest } from "./install-request.ts";
import { isValidName, ucFirst } from "./names.ts";
import { findNativeFiles, parseSoName } from "./native-files.ts";
import { type NativeLayout, planNativeLayout } from "./native-layout.ts";
import type { InstallPlan, KindRules } from "./plugin-kind.ts";
import type { PluginFacts } from "./plugin-record.ts";

const kinds = new Map<NativeType, KindRules>(
  nativeTypes.map((type) => [type, nativeRules(type)] as const),
);

/** The rules of one native type. */
export function nativeKind(type: NativeType): KindRules {
  const kind = kinds.get(type);
  if (!kind) throw new TypeError(`not a native plugin type: ${type}`);
  return kind;
}

function nativeRules(type: NativeType): KindRules {
  return {
    type,
    label: type,
    // eKuiper loads `name.so` or `Name.so`: names that differ only in their first letter's case.
    sharesFiles: (name, other) => ucFirst(name) === ucFirst(other),
    plan: async (zip, request, home) => plan(type, zip, request, home),
    check: (ctx, staging, planned) => {
      const so = planned.placed.find((p) => p.path.startsWith(`plugins/${type}/`));
      if (!so) return;
      checkArchitecture(join(staging.tree, so.path), so.entry);
      checkLoadable(ctx, join(staging.tree, so.path), so.entry);
    },
    filesOf: (ctx, record) => filesOf(ctx, type, record.name, record.files),
    scan: (ctx) => scan(ctx, type),
    missing: (ctx) => missing(ctx, type),
    // A native plugin runs inside eKuiper, not under plugd: nothing to stop or start.
    release: async () => () => {},
    activate: async () => () => {},
  };
}

function plan(
  type: NativeType,
  zip: ZipArchive,
  request: InstallRequest,
  home: string,
): InstallPlan {
  const files = zip.entries.filter((e) => !e.isDirectory).map((e) => e.name);
  const layout = planNativeLayout(type, request.name, files);
  const yaml = layout.yamlPath;
  // A source's yaml already under etc/ is the user's configuration: an install keeps it.
  const kept = yaml !== undefined && existsSync(join(home, yaml)) ? [yaml] : [];
  const placed = layout.placed.filter((p) => !(p.area === "home" && kept.includes(p.path)));
  return {
    placed,
    items: homeItems(type, request.name, layout, kept),
    kept,
    script: layout.hasInstallScript ? { area: "work", path: "" } : undefined,
    symbols: {
      sources: type === "sources" ? [request.name] : [],
      sinks: type === "sinks" ? [request.name] : [],
    },
    manifest: null,
    facts: {
      version: layout.version,
      functions: request.functions ?? null,
      registry: type === "functions" ? (request.functions ?? [request.name]) : [],
    },
  };
}

/** The top-level items the staged tree holds: the .so, the yaml and json, the etc/ folder. */
function homeItems(type: NativeType, name: string, layout: NativeLayout, kept: string[]) {
  const home = new Set<string>();
  for (const placed of layout.placed) {
    if (placed.area !== "home" || kept.includes(placed.path)) continue;
    const inFolder = placed.path.startsWith(`etc/${type}/${name}/`);
    home.add(inFolder ? `etc/${type}/${name}` : placed.path);
  }
  return [...home].sort();
}

function checkArchitecture(path: string, entry: string): void {
  const header = new Uint8Array(20);
  const fd = openSync(path, "r");
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  const arch = elfArchitecture(header);
  const server = serverArchitecture();
  if (arch !== undefined && arch !== server) {
    throw badRequest(`${entry} is built for ${arch} but this server runs on ${server}`);
  }
}

/**
 * What a delete removes: the row's files and whatever else stands on disk under the plugin's
 * name, except what another plugin owns.
 */
function filesOf(ctx: InstallContext, type: NativeType, name: string, files: string[]) {
  const others = new Set(
    ctx.store.plugins
      .fileOwners()
      .filter((o) => o.type !== type || o.name !== name)
      .map((o) => o.path),
  );
  const found = findNativeFiles(ctx.paths.root, type, name).filter((f) => !others.has(f));
  return [...new Set([...files, ...found])].sort();
}

/**
 * `.so` files without a row are adopted, as eKuiper lists what it finds on disk; a file some
 * plugin already owns, or one its name maps to (`Random.so` of plugin `Random`), is not.
 */
function scan(ctx: InstallContext, type: NativeType): PluginFacts[] {
  const found: PluginFacts[] = [];
  const owned = new Set(ctx.store.plugins.fileOwners().map((o) => o.path));
  const known = new Set(ctx.store.plugins.names(type).map(ucFirst));
  for (const file of listDir(join(ctx.paths.plugins, type))) {
    const parsed = parseSoName(file);
    if (!parsed || !isValidName(parsed.name)) continue;
    if (owned.has(`plugins/${type}/${file}`) || known.has(ucFirst(parsed.name))) continue;
    found.push({
      type,
      name: parsed.name,
      version: parsed.version,
      request: { adopted: file },
      sha256: "",
      files: findNativeFiles(ctx.paths.root, type, parsed.name),
      functions: null,
      manifest: null,
      registry: type === "functions" ? [parsed.name] : [],
    });
  }
  return found;
}

function missing(ctx: InstallContext, type: NativeType): string[] {
  // One listing for all rows: reading the folder per row made a start with 1,000 plugins slow.
  const present = new Set<string>();
  for (const file of listDir(join(ctx.paths.plugins, type))) {
    const base = /^([^@]+?)(@[^/]*)?\.so$/.exec(file)?.[1];
    if (base) present.add(base).add(base.charAt(0).toLowerCase() + base.slice(1));
  }
  return ctx.store.plugins
    .names(type)
    .filter((name) => !present.has(name) && !present.has(ucFirst(name)));
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
