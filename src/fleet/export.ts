// The plugin set of this plugd as eKuiper exports it (GET /data/export and /v2/data/export).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { nativeTypes } from "../config/home.ts";
import type { InstallContext } from "../install/context.ts";
import type { PluginRecord } from "../store/plugins-repo.ts";
import { type Configuration, emptyConfiguration, sections, sortedKeys } from "./configuration.ts";

/** Uploads exported by content: text this small; others are exported as a file:// reference. */
const maxInlineUpload = 1024 * 1024;

/**
 * The export: every installed plugin's install request as eKuiper stores it (name, file,
 * shellParas, functions for function plugins, plus plugd's sha256), the sources' and sinks'
 * yaml sections other than `default` by plugin, and the uploads. Plugins found on disk at
 * start (adopted, with no install request) cannot be installed elsewhere and are left out.
 */
export function exportConfiguration(ctx: InstallContext): Configuration {
  const out = emptyConfiguration();
  for (const type of nativeTypes) {
    for (const record of records(ctx, type)) {
      const request = installRequestOf(record, type === "functions");
      if (request) out.nativePlugins[`${type}_${record.name}`] = request;
    }
  }
  for (const record of records(ctx, "portables")) {
    const request = installRequestOf(record, false);
    if (request) out.portablePlugins[record.name] = request;
  }
  out.sourceConfig = yamlSections(join(ctx.paths.root, "etc", "sources"));
  out.sinkConfig = yamlSections(join(ctx.paths.root, "etc", "sinks"));
  out.uploads = uploadsOf(ctx.paths.uploads);
  for (const section of sections) out[section] = sortedKeys(out[section]);
  return out;
}

/** The v2 form: the same, each value an object rather than JSON text. */
export function asObjects(config: Configuration): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    sections.map((section) => [
      section,
      Object.fromEntries(
        Object.entries(config[section]).map(([key, text]) => [key, JSON.parse(text) as unknown]),
      ),
    ]),
  );
}

function records(ctx: InstallContext, type: PluginRecord["type"]): PluginRecord[] {
  return ctx.store.plugins.names(type).flatMap((name) => {
    const record = ctx.store.plugins.get(type, name);
    return record ? [record] : [];
  });
}

/** eKuiper's IOPlugin / FuncPlugin JSON (Go field order), with plugd's sha256 after. */
function installRequestOf(record: PluginRecord, isFunction: boolean): string | undefined {
  const { request } = record;
  if (typeof request.file !== "string") return undefined;
  const out: Record<string, unknown> = { name: record.name, file: request.file };
  if (Array.isArray(request.shellParas) && request.shellParas.length > 0) {
    out.shellParas = request.shellParas;
  }
  if (isFunction) out.functions = request.functions ?? null;
  if (typeof request.sha256 === "string") out.sha256 = request.sha256;
  return JSON.stringify(out);
}

/** Per `<name>.yaml` in `folder`: its sections other than `default`, as JSON text. */
function yamlSections(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of existsSync(folder) ? readdirSync(folder) : []) {
    if (!file.endsWith(".yaml")) continue;
    let parsed: unknown;
    try {
      parsed = Bun.YAML.parse(readFileSync(join(folder, file), "utf8"));
    } catch {
      continue;
    }
    if (typeof parsed !== "object" || parsed === null) continue;
    const keyed = Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== "default"));
    if (Object.keys(keyed).length > 0) out[file.slice(0, -".yaml".length)] = JSON.stringify(keyed);
  }
  return out;
}

/** Each upload as eKuiper's fileContent: small text inline, anything else by file:// URL. */
function uploadsOf(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder("utf-8", { fatal: true });
  for (const name of existsSync(folder) ? readdirSync(folder) : []) {
    const path = join(folder, name);
    if (!statSync(path).isFile()) continue;
    let content: string | undefined;
    if (statSync(path).size <= maxInlineUpload) {
      try {
        content = text.decode(readFileSync(path));
      } catch {
        content = undefined;
      }
    }
    out[name] = JSON.stringify(
      content === undefined ? { name, file: `file://${path}` } : { name, content },
    );
  }
  return out;
}
