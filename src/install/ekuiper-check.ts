// Would the eKuiper at plugin.ekuiperBinary load this .so? Go's package hashes, compared.
import { badRequest, describeError } from "../errors.ts";
import type { InstallContext } from "./context.ts";
import { binaryHashes, goPackageHashes, mismatchedPackages } from "./go-packages.ts";

/** What GET /plugins/{type}/{name} adds about the plugin's library. */
export interface Loadability {
  goPackages: number;
  loadableBy?: { binary: string; ok: boolean; mismatched: string[] };
}

/** A package of Go's standard library (no dot in its first path element): another Go release. */
const isStandard = (pkg: string) => !(pkg.split("/")[0] ?? "").includes(".");

/**
 * With plugin.ekuiperBinary set, throws 400 when eKuiper would refuse the staged `.so` at
 * `path` (named `entry` in the zip), naming the packages built differently. A `.so` that is not
 * a Go plugin is accepted, with a warning (eKuiper's own test zips carry fake ones).
 */
export function checkLoadable(ctx: InstallContext, path: string, entry: string): void {
  const binary = ctx.config.plugin.ekuiperBinary;
  if (binary === "") return;
  const plugin = goPackageHashes(path);
  if (!plugin || plugin.size === 0) {
    ctx.logger.warn(`${entry} is not a Go plugin; it is not checked against ${binary}`);
    return;
  }
  const mismatched = mismatchedPackages(plugin, hostTable(binary));
  if (mismatched.length === 0) return;
  const release = mismatched.some(isStandard)
    ? " (Go's own packages differ: another Go release)"
    : "";
  throw badRequest(
    `${entry} would be refused by eKuiper at ${binary}: it was built with a different version of package ${mismatched.join(", ")}${release}`,
  );
}

/**
 * The Go packages of an installed `.so`, and whether the configured eKuiper would load it;
 * nothing for a library that is not a Go plugin (the answer stays eKuiper's own).
 */
export function loadability(ctx: InstallContext, path: string): Partial<Loadability> {
  const plugin = goPackageHashes(path) ?? new Map<string, string>();
  if (plugin.size === 0) return {};
  const out: Loadability = { goPackages: plugin.size };
  const binary = ctx.config.plugin.ekuiperBinary;
  if (binary === "") return out;
  const mismatched = mismatchedPackages(plugin, hostTable(binary));
  out.loadableBy = { binary, ok: mismatched.length === 0, mismatched };
  return out;
}

function hostTable(binary: string): Map<string, string> {
  let table: Map<string, string> | undefined;
  try {
    table = binaryHashes(binary);
  } catch (err) {
    throw badRequest(`plugin.ekuiperBinary ${binary} cannot be read: ${describeError(err)}`);
  }
  if (!table)
    throw badRequest(`plugin.ekuiperBinary ${binary} is not a Go program that loads plugins`);
  return table;
}
