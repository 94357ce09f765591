// One owner per file and per symbol: what a change may claim, checked against every other plugin.
import { badRequest } from "../errors.ts";
import type { PluginKind } from "../store/plugins-repo.ts";
import type { Store } from "../store/store.ts";

/** The source and sink names a plugin provides; functions go through the function registry. */
export interface Symbols {
  readonly sources: readonly string[];
  readonly sinks: readonly string[];
}

/** What one create or update takes for itself. */
export interface Claim {
  readonly type: PluginKind;
  readonly name: string;
  /** Other names of the kind that would share this plugin's files ("random" for "Random"). */
  readonly sharesFilesWith: (other: string) => boolean;
  /** Home paths the change puts in place, files or folders. */
  readonly items: readonly string[];
  readonly symbols: Symbols;
  /** Names for the global function registry. */
  readonly functions: readonly string[];
  /** Plugins ("type/name") the same commit removes: what they own is free to take. */
  readonly leaving?: ReadonlySet<string> | undefined;
}

const covers = (a: string, b: string): boolean =>
  a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`);

/**
 * Throws 400 naming the owner when the claim takes what another plugin has: a name that maps
 * to the same files, a function, a source or sink name, a file or folder (or one inside it).
 */
export function checkClaim(store: Store, claim: Claim): void {
  const isSelf = (type: PluginKind, name: string) =>
    (type === claim.type && name === claim.name) || claim.leaving?.has(`${type}/${name}`) === true;
  const twin = store.plugins
    .names(claim.type)
    .find((other) => !isSelf(claim.type, other) && claim.sharesFilesWith(other));
  if (twin !== undefined) {
    throw badRequest(
      `invalid name ${claim.name}: ${claim.type} plugin ${twin} already has the files this name maps to (eKuiper loads both from one library)`,
    );
  }
  const [clash] = store.functions.clashes(claim.functions, claim).filter((fn) => {
    const owner = store.functions.owner(fn);
    return owner === undefined || !isSelf(owner.type, owner.name);
  });
  if (clash !== undefined) throw badRequest(`function name ${clash} already exists`);
  for (const list of ["sources", "sinks"] as const) {
    for (const symbol of claim.symbols[list]) {
      const owner = symbolOwner(store, list, symbol);
      if (owner && !isSelf(owner.type, owner.name)) {
        const what = list === "sources" ? "source" : "sink";
        throw badRequest(
          `${what} ${symbol} is already provided by ${describe(owner.type, owner.name)}`,
        );
      }
    }
  }
  for (const owned of store.plugins.fileOwners()) {
    if (isSelf(owned.type, owned.name)) continue;
    const taken = claim.items.find((item) => covers(item, owned.path));
    if (taken !== undefined) {
      throw badRequest(`${taken} belongs to ${describe(owned.type, owned.name)}`);
    }
  }
}

function symbolOwner(
  store: Store,
  list: "sources" | "sinks",
  symbol: string,
): { type: PluginKind; name: string } | undefined {
  if (store.plugins.get(list, symbol)) return { type: list, name: symbol };
  for (const { name, manifest } of store.plugins.portableManifests()) {
    const symbols = manifest[list];
    if (Array.isArray(symbols) && symbols.includes(symbol)) return { type: "portables", name };
  }
  return undefined;
}

function describe(type: PluginKind, name: string): string {
  return type === "portables" ? `portable plugin ${name}` : `${type} plugin ${name}`;
}
