// The one install flow of every plugin kind: download, vet, stage, check, commit, rows.
import { mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import type { PluginRecord } from "../store/plugins-repo.ts";
import type { ZipArchive } from "../zip/zip-archive.ts";
import { runChange } from "./change.ts";
import { commitChange } from "./commit.ts";
import type { InstallContext } from "./context.ts";
import { checkSpace, namingFullDisk } from "./disk-space.ts";
import { fetchZip } from "./fetch-zip.ts";
import {
  checkInstallBody,
  checkUpdateBody,
  type InstallBody,
  type InstallRequest,
  storedRequest,
} from "./install-request.ts";
import { type Claim, checkClaim } from "./ownership.ts";
import type { InstallPlan, KindRules } from "./plugin-kind.ts";
import { savePlugin } from "./plugin-record.ts";
import { runInstallScript } from "./run-script.ts";
import type { Staging } from "./staging.ts";

/** Installs a new plugin of the kind. Throws 400 for a duplicate name or anything wrong with it. */
export function createPlugin(ctx: InstallContext, kind: KindRules, body: InstallBody) {
  const request = checkInstallBody(kind.type, body);
  return ctx.locks.with(kind.type, request.name, async () => {
    if (ctx.store.plugins.get(kind.type, request.name)) {
      throw badRequest(`invalid name ${request.name}: duplicate`);
    }
    checkClaim(ctx.store, claimOf(kind, request.name, undefined));
    await install(ctx, kind, request, undefined);
  });
}

/**
 * Installs a new version beside the current one and swaps only when all went well; a failed
 * update leaves the current version as it was. Throws 404 for an unknown plugin.
 */
export function updatePlugin(
  ctx: InstallContext,
  kind: KindRules,
  name: string,
  body: InstallBody,
) {
  const request = checkUpdateBody(kind.type, name, body);
  return ctx.locks.with(kind.type, name, async () => {
    await install(ctx, kind, request, found(ctx, kind, name));
  });
}

/** Stops the plugin and removes its files, row and functions, all or nothing. 404 if unknown. */
export function deletePlugin(ctx: InstallContext, kind: KindRules, name: string): Promise<void> {
  return ctx.locks.with(kind.type, name, async () => {
    const current = found(ctx, kind, name);
    const spec = { type: kind.type, name, op: "delete", request: {} } as const;
    await runChange(ctx, spec, ({ staging, journalId }) =>
      commitChange(ctx.store, {
        journalId,
        home: ctx.paths.root,
        staging,
        remove: kind.filesOf(ctx, current),
        add: [],
        sha256: current.sha256,
        release: () => kind.release(ctx, current, "delete"),
        write: () => ctx.store.plugins.remove(kind.type, name),
      }),
    );
  });
}

function found(ctx: InstallContext, kind: KindRules, name: string): PluginRecord {
  const current = ctx.store.plugins.get(kind.type, name);
  if (!current) throw notFound(`${kind.label} plugin ${name} is not found`);
  return current;
}

async function install(
  ctx: InstallContext,
  kind: KindRules,
  request: InstallRequest,
  current: PluginRecord | undefined,
): Promise<void> {
  const { name } = request;
  const op = current ? "update" : "create";
  const spec = { type: kind.type, name, op, request: storedRequest(request) } as const;
  await runChange(ctx, spec, async ({ staging, journalId, log }) => {
    const { plan, sha256 } = await stage(ctx, kind, request, staging);
    if (plan.script) {
      await runInstallScript({
        cwd: join(plan.script.area === "home" ? staging.tree : staging.work, plan.script.path),
        args: request.shellParas,
        timeoutMs: ctx.config.plugin.installTimeout,
        logger: log,
        label: `install.sh of ${kind.label} plugin ${name}`,
        cgroup: ctx.cgroups?.create(`install-${name}`),
      });
    }
    await commitChange(ctx.store, {
      journalId,
      home: ctx.paths.root,
      staging,
      remove: current ? current.files.filter((f) => !plan.kept.includes(f)) : [],
      add: plan.items,
      sha256,
      claim: () => checkClaim(ctx.store, claimOf(kind, name, plan)),
      ...(current && { release: () => kind.release(ctx, current, "update") }),
      activate: () => kind.activate(ctx, name, plan),
      write: () => {
        const files = [...plan.items, ...plan.kept];
        const manifest = plan.manifest && { ...plan.manifest };
        const facts = { ...plan.facts, type: kind.type, name, sha256, files, manifest };
        savePlugin(ctx.store, { ...facts, request: storedRequest(request) });
      },
    });
  });
}

/** Inflates the zip under the staging folder, then renames each entry to where the plan says. */
async function place(zip: ZipArchive, plan: InstallPlan, staging: Staging): Promise<void> {
  const raw = join(staging.dir, "raw");
  await zip.extractAll(raw);
  mkdirSync(staging.work, { recursive: true });
  for (const placed of plan.placed) {
    const target = join(placed.area === "home" ? staging.tree : staging.work, placed.path);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(raw, placed.entry), target);
  }
}

/** What a change of `name` takes: its files, symbols and functions (none known before its plan). */
function claimOf(kind: KindRules, name: string, plan: InstallPlan | undefined): Claim {
  return {
    type: kind.type,
    name,
    sharesFilesWith: (other) => kind.sharesFiles(name, other),
    items: plan?.items ?? [],
    symbols: plan?.symbols ?? { sources: [], sinks: [] },
    functions: plan?.facts.registry ?? [],
  };
}

/**
 * Fetches and opens the zip (the archive is vetted as it opens), plans it by the kind's rules,
 * refuses what clashes, then inflates it and puts each entry where the plan says.
 */
async function stage(
  ctx: InstallContext,
  kind: KindRules,
  request: InstallRequest,
  staging: Staging,
): Promise<{ plan: InstallPlan; sha256: string }> {
  const { zip, sha256 } = await fetchZip(ctx, staging, request.file, request.sha256);
  try {
    const plan = await kind.plan(zip, request, ctx.paths.root);
    if (request.shellParas.length > 0 && !plan.script) {
      throw badRequest("shellParas were given but the zip has no install.sh to pass them to");
    }
    checkClaim(ctx.store, claimOf(kind, request.name, plan));
    const home = ctx.paths.root;
    const needed = zip.entries.reduce((sum, entry) => sum + entry.size, 0);
    checkSpace(home, staging.dir, needed);
    await namingFullDisk(home, staging.dir, needed, () => place(zip, plan, staging));
    kind.check(staging, plan, request.name);
    return { plan, sha256 };
  } finally {
    await zip.close();
  }
}
