// startPortables: boots every installed portable plugin after the API is up.

import type { InstallContext } from "../install/context.ts";
import { storedManifest } from "../portable/manifest.ts";

/** Starts every installed portable plugin, without holding up the API: status shows progress. */
export async function startPortables(ctx: InstallContext): Promise<void> {
  const { store, portables, logger } = ctx;
  const starts = store.plugins.names("portables").map(async (name) => {
    const record = store.plugins.get("portables", name);
    try {
      const manifest = storedManifest(record?.manifest, name);
      await portables.startQuietly(name, manifest);
    } catch (err) {
      logger.error(`portable plugin ${name} has an unusable manifest in the store`, { error: err });
    }
  });
  await Promise.all(starts);
}
