// The portable plugin manifest `<name>.json`: parsing and the rules api.md sets for it (pure).

import { badRequest } from "../errors.ts";
import { MAX_NAME_LENGTH } from "../install/names.ts";

/** A checked manifest; `name` is always the name the plugin is installed under. */
export interface PortableManifest {
  readonly name: string;
  readonly version: string;
  readonly language: "go" | "python";
  /** A file name in the plugin's folder, never a path. */
  readonly executable: string;
  readonly sources: string[];
  readonly sinks: string[];
  readonly functions: string[];
  readonly virtualEnvType?: "conda";
  /** The conda environment, present exactly when virtualEnvType is conda. */
  readonly env?: string;
}

const SYMBOL_NAME = /^[A-Za-z0-9_-]+$/;
const CONDA_ENV = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
type Fields = Record<string, unknown>;

function parseObject(text: string, file: string): Fields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest(`${file} is not valid JSON: ${String(err)}`, err);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest(`${file} must hold a JSON object`);
  }
  return parsed as Fields;
}

function optionalString(fields: Fields, key: string, file: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`${file}: "${key}" must be a string`);
  return value;
}

function checkExecutable(fields: Fields, file: string): string {
  const exe = optionalString(fields, "executable", file);
  const hint = 'name the program file in the zip, for example "executable": "mirror"';
  if (exe === undefined || exe.trim() === "")
    throw badRequest(`${file}: "executable" is missing; ${hint}`);
  const plain =
    exe === exe.trim() && !exe.includes("/") && !exe.includes("\0") && !exe.startsWith("-");
  if (!plain || exe === "." || exe === "..") {
    throw badRequest(
      `${file}: "executable" must be a plain file name in the plugin folder (no "/", no "..", no leading "-"), got ${JSON.stringify(exe)}`,
    );
  }
  return exe;
}

function checkLanguage(fields: Fields, file: string): "go" | "python" {
  const language = fields.language;
  if (language === "go" || language === "python") return language;
  throw badRequest(
    `${file}: "language" must be "go" or "python", got ${JSON.stringify(language ?? null)}`,
  );
}

function symbolList(fields: Fields, key: string, file: string): string[] {
  const value = fields[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${file}: "${key}" must be an array of names`);
  const seen = new Set<string>();
  for (const name of value) {
    if (typeof name !== "string" || !SYMBOL_NAME.test(name)) {
      throw badRequest(
        `${file}: ${key} name ${JSON.stringify(name)} is invalid; use letters, digits, "_" and "-" only`,
      );
    }
    if (name.length > MAX_NAME_LENGTH) {
      throw badRequest(
        `${file}: ${key} name ${name.slice(0, 20)}… has ${name.length} characters, more than the ${MAX_NAME_LENGTH} allowed`,
      );
    }
    if (seen.has(name)) throw badRequest(`${file}: ${key} lists "${name}" twice`);
    seen.add(name);
  }
  return [...seen];
}

function checkVirtualEnv(
  fields: Fields,
  language: "go" | "python",
  file: string,
): { virtualEnvType?: "conda"; env?: string } {
  const type = fields.virtualEnvType;
  if (type === undefined || type === null) return {};
  if (type !== "conda") {
    throw badRequest(`${file}: "virtualEnvType" must be "conda", got ${JSON.stringify(type)}`);
  }
  if (language !== "python")
    throw badRequest(`${file}: "virtualEnvType" applies to python plugins only`);
  const env = optionalString(fields, "env", file);
  if (env === undefined || !CONDA_ENV.test(env)) {
    throw badRequest(
      `${file}: "virtualEnvType": "conda" needs "env", the name of the conda environment (letters, digits, ".", "_", "-")`,
    );
  }
  return { virtualEnvType: "conda", env };
}

/**
 * Parses and checks the manifest of the portable plugin installed as `pluginName`.
 * Throws 400 naming the field to fix: bad JSON, a `name` other than `pluginName`, a language
 * other than go/python, an executable that is not a plain file name, no symbol at all, a
 * symbol name outside `^[A-Za-z0-9_-]+$` or listed twice, conda without `env`.
 */
export function parseManifest(text: string, pluginName: string): PortableManifest {
  const file = `${pluginName}.json`;
  const fields = parseObject(text, file);
  const name = optionalString(fields, "name", file);
  if (name !== undefined && name !== pluginName) {
    throw badRequest(
      `${file}: "name" is "${name}" but the plugin is installed as "${pluginName}"; make them equal`,
    );
  }
  const language = checkLanguage(fields, file);
  const executable = checkExecutable(fields, file);
  const sources = symbolList(fields, "sources", file);
  const sinks = symbolList(fields, "sinks", file);
  const functions = symbolList(fields, "functions", file);
  if (sources.length + sinks.length + functions.length === 0) {
    throw badRequest(`${file}: list at least one symbol in "sources", "sinks" or "functions"`);
  }
  const version = optionalString(fields, "version", file) ?? "";
  const venv = checkVirtualEnv(fields, language, file);
  return { name: pluginName, version, language, executable, sources, sinks, functions, ...venv };
}

/** The manifest the store keeps for portable plugin `pluginName`, checked again. Throws 400. */
export function storedManifest(stored: unknown, pluginName: string): PortableManifest {
  return parseManifest(JSON.stringify(stored ?? {}), pluginName);
}
