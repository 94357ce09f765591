// Durations and sizes of the configuration, resolved from their text ("10s", "1MiB") once.
import { ConfigError } from "./config-error.ts";
import { resolveFleet } from "./fleet-schema.ts";
import type { Config, Sections } from "./schema.ts";
import { parseDuration, parseSize } from "./units.ts";

/** The file's values with durations in ms and sizes in bytes; throws ConfigError for one that is not. */
export function resolveUnits(raw: Sections, home: string, configFile: string): Config {
  const duration = (key: string, v: string | number) => unit(parseDuration(v), key, v, configFile);
  const size = (key: string, v: string | number) => unit(parseSize(v), key, v, configFile);
  const { plugin, portable, dataplane } = raw;
  return {
    home,
    configFile,
    basic: {
      ...raw.basic,
      maxRequestBodySize: size("basic.maxRequestBodySize", raw.basic.maxRequestBodySize),
    },
    plugin: {
      ...plugin,
      maxDownloadSize: size("plugin.maxDownloadSize", plugin.maxDownloadSize),
      connectTimeout: duration("plugin.connectTimeout", plugin.connectTimeout),
      downloadTimeout: duration("plugin.downloadTimeout", plugin.downloadTimeout),
      installTimeout: duration("plugin.installTimeout", plugin.installTimeout),
      maxEntrySize: size("plugin.maxEntrySize", plugin.maxEntrySize),
      maxTotalSize: size("plugin.maxTotalSize", plugin.maxTotalSize),
    },
    prebuild: { ...raw.prebuild },
    portable: {
      pythonBin: portable.pythonBin,
      initTimeout: duration("portable.initTimeout", portable.initTimeout),
      stopTimeout: duration("portable.stopTimeout", portable.stopTimeout),
      cgroups: portable.cgroups,
      memoryMax:
        portable.memoryMax === "max" ? null : size("portable.memoryMax", portable.memoryMax),
      pidsMax: portable.pidsMax === "max" ? null : portable.pidsMax,
    },
    dataplane: {
      queueBytes: size("dataplane.streamQueue", dataplane.streamQueue),
      keepAliveMs: duration("dataplane.keepAlive", dataplane.keepAlive),
      sinkIdleMs: duration("dataplane.sinkIdle", dataplane.sinkIdle),
    },
    fleet: resolveFleet(raw.fleet, home, configFile),
  };
}

function unit(parsed: number | undefined, key: string, raw: unknown, file: string): number {
  if (parsed === undefined) {
    throw new ConfigError(`${file}: ${key}: cannot read ${JSON.stringify(raw)} as a value`);
  }
  return parsed;
}
