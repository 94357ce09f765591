// At start, the plugin set of an export file (--plugins, plugin.pluginsFile) is applied.
import { readFileSync } from "node:fs";
import { describeError } from "../errors.ts";
import { importConfiguration } from "../fleet/fleet-service.ts";
import type { InstallContext } from "../install/context.ts";

/**
 * Applies `file` as POST /data/import would (the whole set, all or nothing, unchanged plugins
 * untouched), once the plugins found at start are up (`booted`). A file that cannot be read
 * or applied is logged and leaves the gateway as it was; plugd serves on either way.
 */
export async function applyPluginsFile(
  ctx: InstallContext,
  file: string,
  booted: Promise<void>,
): Promise<void> {
  if (file === "") return;
  const log = ctx.logger.child({ module: "fleet", file });
  await booted;
  try {
    const v2 = /\.ya?ml$/i.test(file);
    const content = readFileSync(file, "utf8");
    const answer = await importConfiguration(
      ctx,
      { content },
      { partial: false, dryRun: false, v2 },
    );
    const changed = answer.plan.filter((p) => p.action !== "unchanged");
    log.info("the plugin set of the file is applied", {
      changed: changed.map((p) => `${p.action} ${p.key}`),
      unchanged: answer.plan.length - changed.length,
    });
  } catch (err) {
    log.error("the plugin set of the file could not be applied; nothing changed", {
      error: describeError(err),
    });
  }
}
