// The home folder's layout (eKuiper's etc/, plugins/, data/, log/) and its creation at start.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import shippedConfig from "../../etc/plugd.yaml" with { type: "text" };

export const nativeTypes = ["sources", "sinks", "functions"] as const;

/** Absolute paths of everything plugd keeps under its home folder. */
export interface HomePaths {
  readonly root: string;
  readonly etc: string;
  readonly plugins: string;
  readonly data: string;
  readonly log: string;
  readonly uploads: string;
  /** Per-change scratch folders; anything here at start is left over from a crash. */
  readonly staging: string;
  readonly pids: string;
  readonly storeFile: string;
  readonly configFile: string;
}

export function homePaths(root: string): HomePaths {
  const data = join(root, "data");
  return {
    root,
    etc: join(root, "etc"),
    plugins: join(root, "plugins"),
    data,
    log: join(root, "log"),
    uploads: join(data, "uploads"),
    staging: join(data, "staging"),
    pids: join(data, "pids"),
    storeFile: join(data, "plugd.db"),
    configFile: join(root, "etc", "plugd.yaml"),
  };
}

/**
 * Creates the folders of the layout, and a commented etc/plugd.yaml with the defaults when the
 * home has none, so a new home documents its own settings.
 */
export function ensureHome(paths: HomePaths): void {
  const dirs = [paths.etc, paths.data, paths.log, paths.uploads, paths.staging, paths.pids];
  for (const type of nativeTypes) {
    dirs.push(join(paths.plugins, type), join(paths.etc, type));
  }
  dirs.push(join(paths.plugins, "portable"), join(paths.etc, "mgmt"));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  if (!existsSync(paths.configFile)) writeFileSync(paths.configFile, shippedConfig);
}
