// Loads the configuration: defaults < etc/plugd.yaml < PLUGD__SECTION__KEY environment variables.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Kind, type TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { describeError } from "../errors.ts";
import { ConfigError } from "./config-error.ts";

export { ConfigError } from "./config-error.ts";

import { resolveUnits } from "./resolve-units.ts";
import { type Config, defaults, type FileConfig, FileSchema, type Sections } from "./schema.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  home: string;
  /** Defaults to `<home>/etc/plugd.yaml`; a missing default file is fine, a missing named one is not. */
  configFile?: string | undefined;
  /** Defaults to process.env. */
  env?: Env | undefined;
  /** Command-line flags, which win over everything. */
  overrides?: { restIp?: string | undefined; restPort?: number | undefined };
}

/** The home folder: the --home flag, else PLUGD_HOME, else `fallback`. */
export function resolveHome(
  flag: string | undefined,
  fallback: string,
  env: Env = process.env,
): string {
  return resolve(flag ?? env.PLUGD_HOME ?? fallback);
}

/** Reads, merges, checks and freezes the configuration. Throws ConfigError naming the bad key. */
export function loadConfig(options: LoadOptions): Config {
  const home = resolve(options.home);
  const named = options.configFile !== undefined;
  const configFile = resolve(options.configFile ?? join(home, "etc", "plugd.yaml"));
  const fromFile = readConfigFile(configFile, named);
  const fromEnv = readEnv(options.env ?? process.env);
  const merged = mergeSections(mergeSections(defaults, fromFile), fromEnv);
  if (options.overrides?.restIp !== undefined) merged.basic.restIp = options.overrides.restIp;
  if (options.overrides?.restPort !== undefined) merged.basic.restPort = options.overrides.restPort;
  checkShape(merged, configFile);
  return deepFreeze(resolveUnits(merged, home, configFile));
}

/** The configuration of a home with no file and no environment: the defaults, resolved. */
export function defaultConfig(home: string): Config {
  const configFile = resolve(home, "etc", "plugd.yaml");
  return deepFreeze(resolveUnits(structuredClone(defaults), resolve(home), configFile));
}

function readConfigFile(path: string, required: boolean): FileConfig {
  if (!existsSync(path)) {
    if (required) throw new ConfigError(`configuration file ${path} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = Bun.YAML.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`${path} is not valid YAML: ${describeError(err)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  checkShape(parsed, path);
  return parsed as FileConfig;
}

function checkShape(value: unknown, source: string): asserts value is FileConfig {
  const first = Value.Errors(FileSchema, value).First();
  if (!first) return;
  const key = first.path.replace(/^\//, "").replaceAll("/", ".") || "(top level)";
  const shown = first.value === undefined ? "" : ` (got ${JSON.stringify(first.value)})`;
  throw new ConfigError(`${source}: ${key}: ${first.message}${shown}`);
}

/** PLUGD__BASIC__RESTPORT=9082 → { basic: { restPort: 9082 } }; names match case-insensitively. */
function readEnv(env: Env): FileConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("PLUGD__") || raw === undefined) continue;
    const [sectionName = "", keyName = ""] = name.slice(7).split("__");
    const section = findKey(FileSchema.properties, sectionName);
    const sectionSchema = section && sectionProperties(section);
    const key = sectionSchema && findKey(sectionSchema, keyName);
    if (!section || !sectionSchema || !key) {
      throw new ConfigError(`environment variable ${name} names no configuration key`);
    }
    out[section] ??= {};
    out[section][key] = fromEnvText(raw, sectionSchema[key]);
  }
  checkShape(out, "environment (PLUGD__SECTION__KEY)");
  return out;
}

function findKey<T extends object>(props: T, wanted: string): (keyof T & string) | undefined {
  return Object.keys(props).find((k) => k.toLowerCase() === wanted.toLowerCase()) as
    | (keyof T & string)
    | undefined;
}

function sectionProperties(name: keyof typeof FileSchema.properties): Record<string, TSchema> {
  return (FileSchema.properties[name] as unknown as { properties: Record<string, TSchema> })
    .properties;
}

function fromEnvText(raw: string, schema: TSchema | undefined): unknown {
  const kind = schema?.[Kind];
  if (kind === "Integer" || kind === "Number") {
    const n = Number(raw);
    return raw.trim() === "" || Number.isNaN(n) ? raw : n;
  }
  if (kind === "Boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (kind === "Array") return raw.trim().startsWith("[") ? safeJson(raw) : splitList(raw);
  if (kind === "Object") return safeJson(raw);
  return raw;
}

function splitList(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function mergeSections(base: Sections, over: FileConfig): Sections {
  const out = structuredClone(base);
  for (const name of Object.keys(over) as (keyof Sections)[]) {
    Object.assign(out[name], over[name]);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * plugd's own environment, for the programs it starts (portable plugins inherit it, as they do
 * under eKuiper). Read here because only src/config/ reads process.env.
 */
export function processEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}
