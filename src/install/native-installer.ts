// Create and update of native plugins: download, check, stage, run install.sh, commit or undo.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import type { NativeType, PluginRecord } from "../store/plugins-repo.ts";
import type { ZipArchive } from "../zip/zip-archive.ts";
import { runChange } from "./change.ts";
import { commitChange } from "./commit.ts";
import type { InstallContext } from "./context.ts";
import { elfArchitecture, serverArchitecture } from "./elf.ts";
import { fetchZip } from "./fetch-zip.ts";
import {
  checkInstallBody,
  checkUpdateBody,
  type InstallBody,
  type InstallRequest,
  storedRequest,
} from "./install-request.ts";
import { type NativeLayout, planNativeLayout } from "./native-layout.ts";
import { runInstallScript } from "./run-script.ts";
import type { Staging } from "./staging.ts";

/** Installs a new native plugin. Throws 400 for a duplicate name or anything wrong with it. */
export function createNative(
  ctx: InstallContext,
  type: NativeType,
  body: InstallBody,
): Promise<void> {
  const request = checkInstallBody(type, body);
  return ctx.locks.with(type, request.name, async () => {
    if (ctx.store.plugins.get(type, request.name)) {
      throw badRequest(`invalid name ${request.name}: duplicate`);
    }
    await install(ctx, type, request, undefined);
  });
}

/**
 * Installs a new version beside the current one and swaps only when all went well; a failed
 * update leaves the current version as it was. Throws 404 for an unknown plugin.
 */
export function updateNative(
  ctx: InstallContext,
  type: NativeType,
  name: string,
  body: InstallBody,
): Promise<void> {
  const request = checkUpdateBody(type, name, body);
  return ctx.locks.with(type, name, async () => {
    const current = ctx.store.plugins.get(type, name);
    if (!current) throw notFound(`${type} plugin ${name} is not found`);
    await install(ctx, type, request, current);
  });
}

async function install(
  ctx: InstallContext,
  type: NativeType,
  request: InstallRequest,
  current: PluginRecord | undefined,
): Promise<void> {
  const functions = type === "functions" ? (request.functions ?? [request.name]) : [];
  checkClashes(ctx, type, request.name, functions);
  const op = current ? "update" : "create";
  const spec = { type, name: request.name, op, request: storedRequest(request) } as const;
  await runChange(ctx, spec, async ({ staging, journalId, log }) => {
    const { layout, sha256, kept } = await stage(ctx, type, request, staging);
    if (layout.hasInstallScript) {
      await runInstallScript({
        cwd: staging.work,
        args: request.shellParas,
        timeoutMs: ctx.config.plugin.installTimeout,
        logger: log,
      });
    }
    const add = stagedFiles(type, request.name, layout, kept);
    await commitChange(ctx.store, {
      journalId,
      home: ctx.paths.root,
      staging,
      remove: current ? current.files.filter((f) => !kept.includes(f)) : [],
      add,
      sha256,
      write: () => {
        const files = [...add, ...kept];
        const version = layout.version;
        writeRows(ctx, { type, request, version, sha256, files, functions, current });
      },
    });
  });
}

function checkClashes(ctx: InstallContext, type: NativeType, name: string, fns: string[]): void {
  const [clash] = ctx.store.functions.clashes(fns, { type, name });
  if (clash !== undefined) throw badRequest(`function name ${clash} already exists`);
}

interface Staged {
  layout: NativeLayout;
  sha256: string;
  /** A source's yaml that already exists under etc/ and is kept as the user's configuration. */
  kept: string[];
}

async function stage(
  ctx: InstallContext,
  type: NativeType,
  request: InstallRequest,
  staging: Staging,
): Promise<Staged> {
  const { zip, sha256 } = await fetchZip(ctx, staging, request.file, request.sha256);
  try {
    const files = zip.entries.filter((e) => !e.isDirectory).map((e) => e.name);
    const layout = planNativeLayout(type, request.name, files);
    if (request.shellParas.length > 0 && !layout.hasInstallScript) {
      throw badRequest(`shellParas were given but the zip has no install.sh to pass them to`);
    }
    const yaml = layout.yamlPath;
    const kept = yaml !== undefined && existsSync(join(ctx.paths.root, yaml)) ? [yaml] : [];
    await extractPlaced(zip, layout, staging, kept);
    checkArchitecture(join(staging.tree, "plugins", type, layout.soFile), layout.soFile);
    return { layout, sha256, kept };
  } finally {
    await zip.close();
  }
}

/**
 * Inflates the whole zip under `staging.raw` (the fastest way: see ZipArchive.extractAll), then
 * renames each placed entry into the staged tree or the work folder; a kept yaml stays behind.
 */
async function extractPlaced(
  zip: ZipArchive,
  layout: NativeLayout,
  staging: Staging,
  kept: string[],
) {
  const raw = join(staging.dir, "raw");
  await zip.extractAll(raw);
  mkdirSync(staging.work, { recursive: true });
  for (const placed of layout.placed) {
    if (placed.area === "home" && kept.includes(placed.path)) continue;
    const target = join(placed.area === "home" ? staging.tree : staging.work, placed.path);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(raw, placed.entry), target);
  }
}

function checkArchitecture(path: string, soFile: string): void {
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
    throw badRequest(`${soFile} is built for ${arch} but this server runs on ${server}`);
  }
}

/** The top-level items the staged tree holds: the .so, the yaml and json, the etc/ folder. */
function stagedFiles(
  type: NativeType,
  name: string,
  layout: NativeLayout,
  kept: string[],
): string[] {
  const home = new Set<string>();
  for (const placed of layout.placed) {
    if (placed.area !== "home" || kept.includes(placed.path)) continue;
    const inFolder = placed.path.startsWith(`etc/${type}/${name}/`);
    home.add(inFolder ? `etc/${type}/${name}` : placed.path);
  }
  return [...home].sort();
}

interface Rows {
  type: NativeType;
  request: InstallRequest;
  version: string;
  sha256: string;
  files: string[];
  functions: string[];
  current: PluginRecord | undefined;
}

function writeRows(ctx: InstallContext, rows: Rows): void {
  const { type, request, sha256, files, functions, current } = rows;
  const now = new Date().toISOString();
  ctx.store.plugins.put({
    type,
    name: request.name,
    version: rows.version,
    request: storedRequest(request),
    sha256,
    files: files.sort(),
    functions: request.functions ?? null,
    manifest: null,
    installedAt: current?.installedAt ?? now,
    updatedAt: now,
  });
  if (type === "functions") ctx.store.functions.replace({ type, name: request.name }, functions);
}
