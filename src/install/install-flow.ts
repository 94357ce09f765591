// The one install flow of every plugin kind: stage (stage.ts), run install.sh, commit, rows.
import { join } from "node:path";
import { badRequest, notFound } from "../errors.ts";
import type { PluginRecord } from "../store/plugins-repo.ts";
import { beginChange, type OpenChange } from "./change.ts";
import { type Change, commitChanges } from "./commit.ts";
import type { InstallContext } from "./context.ts";
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
import { claimOf, stage } from "./stage.ts";

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
    await applyChanges(ctx, [prepareDelete(ctx, kind, found(ctx, kind, name))]);
  });
}

/** A change staged and checked, ready to be committed (alone or with others). */
export interface PreparedChange {
  readonly open: OpenChange;
  readonly change: Change;
  /** What an install takes, to check a batch against itself; none for a delete. */
  readonly claim?: Claim;
}

/** Commits prepared changes together (see commitChanges): all of them, or none. */
export async function applyChanges(ctx: InstallContext, prepared: readonly PreparedChange[]) {
  try {
    await commitChanges(
      ctx.store,
      prepared.map((p) => p.change),
    );
  } catch (err) {
    for (const p of prepared) p.open.failed(err);
    throw err;
  }
  for (const p of prepared) p.open.succeeded();
}

/** Runs the staged zip's install.sh in its folder (see runInstallScript). */
async function runScript(
  ctx: InstallContext,
  kind: KindRules,
  request: InstallRequest,
  open: OpenChange,
  script: NonNullable<InstallPlan["script"]>,
): Promise<void> {
  const { staging, log } = open;
  const cgroups = await ctx.cgroups;
  return runInstallScript({
    cwd: join(script.area === "home" ? staging.tree : staging.work, script.path),
    args: request.shellParas,
    timeoutMs: ctx.config.plugin.installTimeout,
    logger: log,
    label: `install.sh of ${kind.label} plugin ${request.name}`,
    cgroup: cgroups?.create(`install-${request.name}`),
  });
}

/** The removal of `current`, journalled and ready to commit. */
export function prepareDelete(
  ctx: InstallContext,
  kind: KindRules,
  current: PluginRecord,
): PreparedChange {
  const { name } = current;
  const open = beginChange(ctx, { type: kind.type, name, op: "delete", request: {} });
  const change: Change = {
    journalId: open.journalId,
    home: ctx.paths.root,
    staging: open.staging,
    remove: kind.filesOf(ctx, current),
    add: [],
    sha256: current.sha256,
    release: () => kind.release(ctx, current, "delete"),
    write: () => ctx.store.plugins.remove(kind.type, name),
  };
  return { open, change };
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
  await applyChanges(ctx, [await prepareInstall(ctx, kind, request, current)]);
}

/**
 * Downloads, vets, plans and stages `request` (running its install.sh), as a create or an
 * update of `current`; nothing is committed. Throws (the change failed) for anything wrong.
 */
export async function prepareInstall(
  ctx: InstallContext,
  kind: KindRules,
  request: InstallRequest,
  current: PluginRecord | undefined,
  leaving?: ReadonlySet<string>,
): Promise<PreparedChange> {
  const { name } = request;
  const op = current ? "update" : "create";
  const open = beginChange(ctx, { type: kind.type, name, op, request: storedRequest(request) });
  try {
    const { staging } = open;
    const { plan, sha256 } = await stage(ctx, kind, request, staging, leaving);
    if (plan.script) await runScript(ctx, kind, request, open, plan.script);
    const change: Change = {
      journalId: open.journalId,
      home: ctx.paths.root,
      staging,
      remove: current ? current.files.filter((f) => !plan.kept.includes(f)) : [],
      add: plan.items,
      sha256,
      claim: () => checkClaim(ctx.store, claimOf(kind, name, plan, leaving)),
      ...(current && { release: () => kind.release(ctx, current, "update") }),
      activate: () => kind.activate(ctx, name, plan),
      write: () => {
        const files = [...plan.items, ...plan.kept];
        const manifest = plan.manifest && { ...plan.manifest };
        const facts = { ...plan.facts, type: kind.type, name, sha256, files, manifest };
        savePlugin(ctx.store, { ...facts, request: storedRequest(request) });
      },
    };
    return { open, change, claim: claimOf(kind, name, plan, leaving) };
  } catch (err) {
    open.failed(err);
    throw err;
  }
}
