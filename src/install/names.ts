// eKuiper's naming rule for plugins, functions and uploads, and the checks that apply it.
import { badRequest } from "../errors.ts";

const nameRule = /^[A-Za-z0-9_-]+$/;

/**
 * The longest plugin, function or symbol name, for every type: short enough for every path
 * plugd builds from it, the longest being a socket such as /tmp/plugin_<name>.ipc (a unix
 * socket path has 107 bytes) and a staging folder such as create-portables-<name>-XXXXXX.
 */
export const MAX_NAME_LENGTH = 64;

/** Names a route uses where a plugin name would go (GET /plugins/{type}/prebuild). */
const reservedNames: ReadonlySet<string> = new Set(["prebuild"]);
/** Upload names may also carry dot-separated extensions ("random.zip"), but never "..". */
const uploadRule = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && nameRule.test(name);
}

/** Throws 400 unless `name` follows the rule; `what` says which name it is ("plugin", "function"). */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== "string" || name === "") {
    throw badRequest(`invalid ${what} name: it must not be empty`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw badRequest(
      `invalid ${what} name ${JSON.stringify(`${name.slice(0, 20)}…`)}: it has ${name.length} characters, more than the ${MAX_NAME_LENGTH} allowed`,
    );
  }
  if (!nameRule.test(name)) {
    throw badRequest(
      `invalid ${what} name ${JSON.stringify(name)}: use only letters, digits, '_' and '-'`,
    );
  }
  return name;
}

/** Throws 400 for a plugin name a route uses for something else. */
export function checkNotReserved(name: string): string {
  if (reservedNames.has(name)) {
    throw badRequest(
      `invalid name ${name}: it is reserved, since GET /plugins/{type}/${name} lists the prebuilt plugins`,
    );
  }
  return name;
}

/** Throws 400 unless `name` is a safe upload file name such as `random.zip`. */
export function checkUploadName(name: unknown): string {
  if (typeof name !== "string" || !uploadRule.test(name) || name.length > 255) {
    throw badRequest(
      `invalid upload name ${JSON.stringify(name)}: use letters, digits, '_', '-' and single dots, as in random.zip`,
    );
  }
  return name;
}

/** Throws 400 for a function list that is empty, malformed or names a function twice. */
export function checkFunctionList(list: readonly unknown[]): string[] {
  const names = list.map((fn) => checkName(fn, "function"));
  const seen = new Set<string>();
  for (const fn of names) {
    if (seen.has(fn)) throw badRequest(`function ${fn} is listed twice`);
    seen.add(fn);
  }
  return names;
}

/** `name` with its first letter upper-cased, as eKuiper spells exported symbols. */
export function ucFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
