// Portable plugin zips built in code around the TypeScript test plugins.

import { makeZip, type ZipFiles } from "./plugin-zips.ts";
import { type FixturePluginSpec, fixturePluginFiles } from "./portable-plugins/fixture-plugin.ts";

/**
 * A zip as eKuiper documents portable plugins: `<name>.json`, the executable, `sources/<s>.yaml`
 * for each source and symbol metadata; `extra` adds entries, `null` leaves one out.
 */
export function portablePluginZip(
  spec: FixturePluginSpec,
  extra: Record<string, string | null> = {},
): Uint8Array {
  const files: Record<string, string | null> = {
    ...fixturePluginFiles(spec),
    "sources/random.yaml": "default:\n  interval: 100\n",
    "sources/random.json": JSON.stringify({ about: { trial: true } }),
    "sinks/file.json": JSON.stringify({ about: { trial: true } }),
    "functions/echo.json": JSON.stringify({ about: { trial: true } }),
    ...extra,
  };
  const kept: ZipFiles = {};
  for (const [path, data] of Object.entries(files)) if (data !== null) kept[path] = data;
  return makeZip(kept);
}
