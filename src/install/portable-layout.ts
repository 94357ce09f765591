// Where each entry of a portable plugin zip goes, by eKuiper's layout rules (pure).
import { badRequest } from "../errors.ts";
import type { PortableManifest } from "../portable/manifest.ts";
import type { Placement } from "./plugin-kind.ts";

const metadataFolders = ["sources/", "sinks/", "functions/"];

/**
 * Maps file entries: `sources/…`, `sinks/…`, `functions/…` go to `etc/…`, everything else to
 * `plugins/portable/<name>/`. Throws 400 naming what is missing: the executable, or the yaml of a
 * source the manifest lists.
 */
export function planPortableLayout(
  name: string,
  manifest: PortableManifest,
  entries: readonly string[],
): Placement[] {
  const present = new Set(entries);
  if (!present.has(manifest.executable)) {
    throw badRequest(
      `invalid zip: the manifest names the executable ${manifest.executable}, which the zip lacks at its top level`,
    );
  }
  for (const source of manifest.sources) {
    if (!present.has(`sources/${source}.yaml`)) {
      throw badRequest(
        `invalid zip: source ${source} needs its configuration file sources/${source}.yaml`,
      );
    }
  }
  return entries.map((entry) => {
    const metadata = metadataFolders.some((folder) => entry.startsWith(folder));
    return {
      entry,
      area: "home",
      path: metadata ? `etc/${entry}` : `plugins/portable/${name}/${entry}`,
    };
  });
}

/**
 * The items a commit moves: the plugin's folder as one, and each metadata file on its own
 * (they share etc/sources/ and the like with other plugins).
 */
export function portableItems(name: string, placements: readonly Placement[]): string[] {
  const items = new Set<string>([`plugins/portable/${name}`]);
  for (const placed of placements) {
    if (placed.path.startsWith("etc/")) items.add(placed.path);
  }
  return [...items].sort();
}
