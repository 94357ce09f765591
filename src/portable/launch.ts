// The command line that starts a portable plugin, as eKuiper builds it (B.2) (pure).

import { join } from "node:path";
import type { PortableManifest } from "./manifest.ts";

/** argv[1] of every plugin: eKuiper's PortableConfig, always this constant. */
export const PORTABLE_CONFIG_ARG = '{"sendTimeout":1000}';

/**
 * go: `{exe} {cfg}`; python: `{pythonBin} -u {exe} {cfg}`; python in conda:
 * `conda run -n {env} {pythonBin} {exe} {cfg}` (no -u, as eKuiper). `exe` is absolute.
 */
export function launchCommand(
  manifest: PortableManifest,
  dir: string,
  pythonBin: string,
): string[] {
  const exe = join(dir, manifest.executable);
  if (manifest.language === "go") return [exe, PORTABLE_CONFIG_ARG];
  if (manifest.virtualEnvType === "conda" && manifest.env !== undefined) {
    return ["conda", "run", "-n", manifest.env, pythonBin, exe, PORTABLE_CONFIG_ARG];
  }
  return [pythonBin, "-u", exe, PORTABLE_CONFIG_ARG];
}
