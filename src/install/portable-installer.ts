// Create, update and delete of portable plugins: stage, install, start, and swap only on success.
import { chmodSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import { type PortableManifest, parseManifest } from "../portable/manifest.ts";
import type { PluginRecord } from "../store/plugins-repo.ts";
import { runChange } from "./change.ts";
import { commitChange } from "./commit.ts";
import type { InstallContext } from "./context.ts";
import { fetchZip } from "./fetch-zip.ts";
import {
  checkInstallBody,
  checkUpdateBody,
  type InstallBody,
  type InstallRequest,
  storedRequest,
} from "./install-request.ts";
import { planPortableLayout, portableItems } from "./portable-layout.ts";
import { runInstallScript } from "./run-script.ts";
import type { Staging } from "./staging.ts";

const type = "portables";

/** Installs and starts a portable plugin; 400 for a duplicate name, a bad zip or no handshake. */
export function createPortable(ctx: InstallContext, body: InstallBody): Promise<void> {
  const request = checkInstallBody(type, body);
  return ctx.locks.with(type, request.name, async () => {
    if (ctx.store.plugins.get(type, request.name)) {
      throw badRequest(`invalid name ${request.name}: duplicate`);
    }
    await install(ctx, request, undefined);
  });
}

/**
 * Installs the new version and starts it; only when its handshake comes is the old one gone.
 * The control address is fixed per name, so the old process is stopped just before the new one
 * starts, and started again if the new one fails.
 */
export function updatePortable(
  ctx: InstallContext,
  name: string,
  body: InstallBody,
): Promise<void> {
  const request = checkUpdateBody(type, name, body);
  return ctx.locks.with(type, name, async () => {
    const current = ctx.store.plugins.get(type, name);
    if (!current) throw notFound(`portable plugin ${name} is not found`);
    await install(ctx, request, current);
  });
}

/** Stops the plugin and removes its files, metadata and functions, all at once. */
export function deletePortable(ctx: InstallContext, name: string): Promise<void> {
  return ctx.locks.with(type, name, async () => {
    const current = ctx.store.plugins.get(type, name);
    if (!current) throw notFound(`portable plugin ${name} is not found`);
    await ctx.portables.stop(name);
    try {
      await runChange(ctx, { type, name, op: "delete", request: {} }, ({ staging, journalId }) =>
        commitChange(ctx.store, {
          journalId,
          home: ctx.paths.root,
          staging,
          remove: current.files,
          add: [],
          sha256: current.sha256,
          write: () => ctx.store.plugins.remove(type, name),
        }),
      );
    } catch (err) {
      await restartOld(ctx, current);
      throw err;
    }
  });
}

async function install(
  ctx: InstallContext,
  request: InstallRequest,
  current: PluginRecord | undefined,
): Promise<void> {
  const { name } = request;
  const op = current ? "update" : "create";
  const spec = { type, name, op, request: storedRequest(request) } as const;
  let stoppedOld = false;
  try {
    await runChange(ctx, spec, async ({ staging, journalId, log }) => {
      const { manifest, items, sha256 } = await stage(ctx, request, staging);
      const dir = join(staging.tree, "plugins", "portable", name);
      if (existsSync(join(dir, "install.sh"))) {
        const timeoutMs = ctx.config.plugin.installTimeout;
        await runInstallScript({ cwd: dir, args: request.shellParas, timeoutMs, logger: log });
      }
      await commitChange(ctx.store, {
        journalId,
        home: ctx.paths.root,
        staging,
        remove: current?.files ?? [],
        add: items,
        sha256,
        verify: async () => {
          if (current) {
            stoppedOld = true;
            await ctx.portables.stop(name);
          }
          await ctx.portables.start(name, manifest);
        },
        write: () => writeRows(ctx, { request, manifest, sha256, files: items, current }),
      });
    });
  } catch (err) {
    if (stoppedOld && current) await restartOld(ctx, current);
    throw err;
  }
}

/** After a failed update or delete, the old version's files are back: start it again. */
async function restartOld(ctx: InstallContext, current: PluginRecord): Promise<void> {
  const manifest =
    current.manifest && parseManifest(JSON.stringify(current.manifest), current.name);
  if (manifest) await ctx.portables.startQuietly(current.name, manifest);
}

interface Staged {
  manifest: PortableManifest;
  items: string[];
  sha256: string;
}

async function stage(
  ctx: InstallContext,
  request: InstallRequest,
  staging: Staging,
): Promise<Staged> {
  const { zip, sha256 } = await fetchZip(ctx, staging, request.file, request.sha256);
  const raw = join(staging.dir, "raw");
  try {
    const entries = zip.entries.filter((e) => !e.isDirectory).map((e) => e.name);
    const manifestFile = `${request.name}.json`;
    const manifestEntry = zip.entries.find((e) => e.name === manifestFile);
    if (!manifestEntry) {
      throw badRequest(`invalid zip: it lacks the manifest ${manifestFile} at its top level`);
    }
    const manifest = parseManifest(await zip.readText(manifestEntry, 1024 * 1024), request.name);
    const placements = planPortableLayout(request.name, manifest, entries);
    if (request.shellParas.length > 0 && !entries.includes("install.sh")) {
      throw badRequest("shellParas were given but the zip has no install.sh to pass them to");
    }
    const [clash] = ctx.store.functions.clashes(manifest.functions, { type, name: request.name });
    if (clash !== undefined) throw badRequest(`function name ${clash} already exists`);
    await zip.extractAll(raw);
    for (const placed of placements) {
      const target = join(staging.tree, placed.path);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(raw, placed.entry), target);
    }
    chmodSync(join(staging.tree, "plugins", "portable", request.name, manifest.executable), 0o755);
    return { manifest, items: portableItems(request.name, placements), sha256 };
  } finally {
    await zip.close();
  }
}

interface Rows {
  request: InstallRequest;
  manifest: PortableManifest;
  sha256: string;
  files: string[];
  current: PluginRecord | undefined;
}

function writeRows(ctx: InstallContext, rows: Rows): void {
  const { request, manifest, current } = rows;
  const now = new Date().toISOString();
  ctx.store.plugins.put({
    type,
    name: request.name,
    version: manifest.version,
    request: storedRequest(request),
    sha256: rows.sha256,
    files: rows.files,
    functions: null,
    manifest: { ...manifest },
    installedAt: current?.installedAt ?? now,
    updatedAt: now,
  });
  ctx.store.functions.replace({ type, name: request.name }, manifest.functions);
}
