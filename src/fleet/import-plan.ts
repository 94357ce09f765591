// What an import would change: per plugin, install, update, remove or leave it (pure reads).
import { nativeTypes } from "../config/home.ts";
import { redactUrl } from "../download/check-url.ts";
import { AppError, describeError } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import {
  checkInstallBody,
  type InstallBody,
  type InstallRequest,
} from "../install/install-request.ts";
import type { NativeType, PluginKind, PluginRecord } from "../store/plugins-repo.ts";
import { type Configuration, emptyConfiguration, notRun } from "./configuration.ts";

export type Action = "install" | "update" | "remove" | "unchanged";

/** One plugin of the plan: what happens to it, and (install, update) the checked request. */
export interface PlanEntry {
  readonly section: "nativePlugins" | "portablePlugins";
  /** The key in its section: `sources_random` or the portable plugin's name. */
  readonly key: string;
  readonly type: PluginKind;
  readonly name: string;
  readonly action: Action;
  readonly request?: InstallRequest;
}

/** The plan, and per section and key what cannot be applied, with why (eKuiper's error maps). */
export interface ImportPlan {
  readonly entries: PlanEntry[];
  readonly errors: Configuration;
}

/**
 * Compares the export's plugin set with what is installed. Without `partial` the export is the
 * whole set: installed plugins it does not list are removed; with it, only absent ones are
 * installed. A plugin whose request is the same (file, sha256, shellParas, functions) is left
 * as it is. Keys that cannot be read, and non-empty sections plugd does not run, are errors.
 */
export function planImport(
  ctx: InstallContext,
  config: Configuration,
  partial: boolean,
): ImportPlan {
  const errors = notApplied(config);
  const entries: PlanEntry[] = [];
  const wanted = new Set<string>();
  const consider = (section: PlanEntry["section"], key: string, type: PluginKind, text: string) => {
    try {
      const request = readRequest(type, text);
      wanted.add(`${type}/${request.name}`);
      const current = ctx.store.plugins.get(type, request.name);
      const action: Action = !current
        ? "install"
        : partial || same(current, request)
          ? "unchanged"
          : "update";
      entries.push({ section, key, type, name: request.name, action, request });
    } catch (err) {
      errors[section][key] = err instanceof AppError ? err.message : describeError(err);
    }
  };
  for (const [key, text] of Object.entries(config.nativePlugins)) {
    const type = nativeTypes.find((t) => key.startsWith(`${t}_`));
    const why = keyProblem(key, text, type && key.slice(type.length + 1));
    if (why !== undefined || !type) errors.nativePlugins[key] = why ?? key;
    else consider("nativePlugins", key, type, text);
  }
  for (const [key, text] of Object.entries(config.portablePlugins)) {
    const why = keyProblem(key, text, key);
    if (why !== undefined) errors.portablePlugins[key] = why;
    else consider("portablePlugins", key, "portables", text);
  }
  if (!partial) entries.push(...removals(ctx, wanted));
  return { entries, errors };
}

/** Each key of a non-empty section plugd does not run, with why it is not applied. */
function notApplied(config: Configuration): Configuration {
  const errors = emptyConfiguration();
  for (const section of notRun) {
    for (const key of Object.keys(config[section])) {
      errors[section][key] = `not applied: plugd manages plugins only and does not run ${section}`;
    }
  }
  return errors;
}

/** Why `key` cannot be read: no type in it (`name` undefined), or another name than its value's. */
function keyProblem(key: string, text: string, name: string | undefined): string | undefined {
  if (name === undefined) return `invalid key ${key}: it must be <sources|sinks|functions>_<name>`;
  if (nameOf(text) !== name) return `invalid key ${key}: the plugin in it is named ${nameOf(text)}`;
  return undefined;
}

function removals(ctx: InstallContext, wanted: Set<string>): PlanEntry[] {
  const out: PlanEntry[] = [];
  for (const type of [...nativeTypes, "portables"] as const) {
    for (const name of ctx.store.plugins.names(type)) {
      if (wanted.has(`${type}/${name}`)) continue;
      const section = type === "portables" ? "portablePlugins" : "nativePlugins";
      const key = type === "portables" ? name : `${type}_${name}`;
      out.push({ section, key, type, name, action: "remove" });
    }
  }
  return out;
}

function nameOf(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && "name" in value) return String(value.name);
  } catch {
    // Reported by readRequest.
  }
  return "";
}

/** The install body of an export's value, checked as a create body is. Throws 400. */
function readRequest(type: PluginKind | NativeType, text: string): InstallRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      400,
      1000,
      `invalid body: Error decoding the plugin json: ${describeError(err)}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AppError(400, 1000, "invalid body: a plugin must be a JSON object");
  }
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === "string");
  if (typeof v.name !== "string" || typeof v.file !== "string") {
    throw new AppError(400, 1000, "invalid body: a plugin needs a name and a file");
  }
  const body: InstallBody = {
    name: v.name,
    file: v.file,
    ...(strings(v.shellParas) && { shellParas: v.shellParas as string[] }),
    ...(type === "functions" && strings(v.functions) && { functions: v.functions as string[] }),
    ...(typeof v.sha256 === "string" && { sha256: v.sha256 }),
  };
  return checkInstallBody(type, body);
}

function same(current: PluginRecord, request: InstallRequest): boolean {
  const stored = current.request;
  const list = (x: unknown) => JSON.stringify(Array.isArray(x) ? x : []);
  return (
    stored.file === redactUrl(request.file) &&
    (stored.sha256 ?? undefined) === request.sha256 &&
    list(stored.shellParas) === list(request.shellParas) &&
    list(stored.functions) === list(request.functions)
  );
}
