// Parts startPlugd opens before the API: access control with the store, and plugin cgroups.
import { type Access, openAccess } from "../auth/open-access.ts";
import type { HomePaths } from "../config/home.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { createStore, type Store } from "../store/store.ts";
import { PluginCgroups } from "../supervisor/plugin-cgroups.ts";

/** Opens access control, then the store; if the store cannot be opened, access is closed again. */
export async function openAccessAndStore(
  config: Config,
  paths: HomePaths,
  logger: Logger,
): Promise<{ access: Access; store: Store }> {
  const access = await openAccess(config, paths, logger);
  try {
    return { access, store: createStore(paths.storeFile) };
  } catch (err) {
    await access.close();
    throw err;
  }
}

/** The cgroups of plugin processes, or undefined (logged once, with why) for process groups. */
export async function openCgroups(
  config: Config,
  logger: Logger,
): Promise<PluginCgroups | undefined> {
  const { cgroups: wanted, memoryMax, pidsMax } = config.portable;
  if (!wanted) {
    logger.info("plugin processes run in process groups: portable.cgroups is false");
    return undefined;
  }
  const limits = { memoryMax: memoryMax ?? undefined, pidsMax: pidsMax ?? undefined };
  const opened = await PluginCgroups.open({ home: config.home, logger, limits });
  if (opened.cgroups) {
    logger.info("plugin processes run in cgroups of their own", { cgroup: opened.cgroups.dir });
    return opened.cgroups;
  }
  logger.info("plugin processes run in process groups, which a process that calls setsid leaves", {
    reason: opened.reason,
  });
  return undefined;
}
