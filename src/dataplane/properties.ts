// A source's or sink's properties as eKuiper builds them: the yaml's default, a confKey, then props.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { badRequest, notFound } from "../errors.ts";

export type Properties = Record<string, unknown>;

const isRecord = (value: unknown): value is Properties =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface PropertyRequest {
  /** `etc/sources` or `etc/sinks` under the home. */
  readonly folder: string;
  readonly symbol: string;
  /** A section of the yaml laid over its `default` section; 404 when the file has none. */
  readonly confKey?: string | undefined;
  /** JSON text of an object laid over both; 400 when it is not one. */
  readonly props?: string | undefined;
  /** A source needs its yaml (404 without it); a sink may have none. */
  readonly required: boolean;
}

/**
 * `default` of `<folder>/<symbol>.yaml`, overlaid by its `confKey` section, overlaid by `props`.
 * Throws 404 naming the file (or the key) that is missing, 400 for a yaml or props that is not
 * a mapping.
 */
export function resolveProperties(request: PropertyRequest): Properties {
  const file = join(request.folder, `${request.symbol}.yaml`);
  const sections = readSections(file, request);
  const base = sections.default ?? {};
  let keyed: Properties = {};
  if (request.confKey !== undefined) {
    const section = sections[request.confKey];
    if (section === undefined) throw notFound(`${file} has no section ${request.confKey}`);
    keyed = section;
  }
  return { ...base, ...keyed, ...parseProps(request.props) };
}

function readSections(file: string, request: PropertyRequest): Record<string, Properties> {
  if (!existsSync(file)) {
    if (request.required || request.confKey !== undefined) {
      throw notFound(`${file} is not found`);
    }
    return {};
  }
  let parsed: unknown;
  try {
    parsed = Bun.YAML.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw badRequest(`${file} is not valid YAML: ${String(err)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isRecord(parsed)) throw badRequest(`${file} is not a mapping of sections`);
  const sections: Record<string, Properties> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (isRecord(value)) sections[key] = value;
  }
  return sections;
}

function parseProps(text: string | undefined): Properties {
  if (text === undefined || text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("props must be a JSON object");
  }
  if (!isRecord(parsed)) throw badRequest("props must be a JSON object");
  return parsed;
}
