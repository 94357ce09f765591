// The command line that starts a portable plugin, as eKuiper builds it (B.2), and its supervisor.

import { join } from "node:path";
import type { ChildProcess } from "../supervisor/child-process.ts";
import { createSupervisor } from "../supervisor/supervisor.ts";
import type { Supervisor } from "../supervisor/supervisor-api.ts";
import type { PortableManifest } from "./manifest.ts";
import type { PortablePluginOptions } from "./portable-options.ts";

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

/** The supervisor that runs, restarts and stops the plugin's program; `onStarted` per process. */
export function superviseProgram(
  options: PortablePluginOptions,
  onStarted: (child: ChildProcess) => Promise<void>,
): Supervisor {
  return createSupervisor({
    name: options.name,
    command: launchCommand(options.manifest, options.dir, options.pythonBin),
    cwd: options.dir,
    env: options.env,
    logger: options.logger,
    stopGraceMs: options.stopTimeoutMs,
    onStarted,
    ...(options.clock && { clock: options.clock }),
    ...(options.spawn && { spawn: options.spawn }),
    ...(options.backoff && { backoff: options.backoff }),
    ...(options.pidFile !== undefined && { pidFile: options.pidFile }),
  });
}
