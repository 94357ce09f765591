// What the install services need from the rest of plugd, wired once in main.ts.
import type { HomePaths } from "../config/home.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import type { PortableHost } from "../portable/portable-host.ts";
import type { Store } from "../store/store.ts";
import type { PluginCgroups } from "../supervisor/plugin-cgroups.ts";
import type { PluginLocks } from "./plugin-locks.ts";

export interface InstallContext {
  readonly config: Config;
  readonly paths: HomePaths;
  readonly store: Store;
  readonly logger: Logger;
  readonly locks: PluginLocks;
  /** The running portable plugins. */
  readonly portables: PortableHost;
  /**
   * Where plugd may make cgroups (install.sh runs in one), else undefined: process groups.
   * Decided while plugd starts serving; a script waits for the decision.
   */
  readonly cgroups?: Promise<PluginCgroups | undefined> | undefined;
}
