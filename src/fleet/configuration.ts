// eKuiper's export format: the Configuration object of internal/server/import_export.go.
import { badRequest } from "../errors.ts";

/** The sections, in the order eKuiper writes them (its Go struct's field order). */
export const sections = [
  "streams",
  "tables",
  "rules",
  "nativePlugins",
  "portablePlugins",
  "sourceConfig",
  "sinkConfig",
  "connectionConfig",
  "Service",
  "Schema",
  "uploads",
  "scripts",
] as const;

export type Section = (typeof sections)[number];

/** Every section a map of keys to JSON text (the v1 form; v2 has objects instead). */
export type Configuration = Record<Section, Record<string, string>>;

/** The sections plugd does not run; a non-empty one is reported, never silently dropped. */
export const notRun: readonly Section[] = [
  "streams",
  "tables",
  "rules",
  "Service",
  "Schema",
  "scripts",
  "connectionConfig",
];

/** An empty Configuration, sections in order. */
export function emptyConfiguration(): Configuration {
  return Object.fromEntries(sections.map((s) => [s, {}])) as Configuration;
}

/** `map` with its keys sorted, as Go's encoding/json writes a map. */
export function sortedKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Reads an export's text: JSON whose sections map keys to strings (v1), or, with `v2`, YAML or
 * JSON whose values are objects (turned into JSON text here). Missing sections are empty.
 * Throws 400 naming what does not fit.
 */
export function parseConfiguration(text: string, v2: boolean): Configuration {
  let parsed: unknown;
  try {
    parsed = v2 ? Bun.YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`configuration unmarshal with error ${String(err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("configuration unmarshal with error: not an object");
  }
  const out = emptyConfiguration();
  for (const [key, value] of Object.entries(parsed)) {
    if (!(sections as readonly string[]).includes(key) || value === null) continue;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw badRequest(`configuration unmarshal with error: ${key} is not a map`);
    }
    for (const [name, item] of Object.entries(value)) {
      if (typeof item === "string") out[key as Section][name] = item;
      else if (v2 && typeof item === "object" && item !== null) {
        out[key as Section][name] = JSON.stringify(item);
      } else {
        throw badRequest(`configuration unmarshal with error: ${key}.${name} is not a string`);
      }
    }
  }
  return out;
}
