// The running plugin and the properties of the source or sink a data-plane request names.
import { join } from "node:path";
import { type Properties, resolveProperties } from "../dataplane/properties.ts";
import { notFound } from "../errors.ts";
import type { InstallContext } from "../install/context.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { runningPortable } from "../services/plugin-queries.ts";

/**
 * Portable plugin `name`, running, and the properties of its source or sink `symbol` from
 * `etc/<list>/<symbol>.yaml`, `confKey` and `props`. Throws 404 for an unknown plugin, symbol,
 * file (a source needs one) or key, 400 for a plugin that is not running or bad props.
 */
export function symbolRequest(
  ctx: InstallContext,
  name: string,
  list: "sources" | "sinks",
  symbol: string,
  query: { confKey?: string | undefined; props?: string | undefined },
): { plugin: PortablePlugin; properties: Properties } {
  const plugin = runningPortable(ctx, name);
  if (!plugin.manifest[list].includes(symbol)) {
    const what = list === "sources" ? "source" : "sink";
    throw notFound(`portable plugin ${name} has no ${what} ${symbol}`);
  }
  const properties = resolveProperties({
    folder: join(ctx.paths.root, "etc", list),
    symbol,
    confKey: query.confKey,
    props: query.props,
    required: list === "sources",
  });
  return { plugin, properties };
}
