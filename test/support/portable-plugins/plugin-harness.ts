// A PortablePlugin around a fixture plugin folder in a temporary home, with its log kept for asserts.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLogger, type Logger } from "../../../src/log/logger.ts";
import { parseManifest } from "../../../src/portable/manifest.ts";
import {
  PortablePlugin,
  type PortablePluginOptions,
} from "../../../src/portable/portable-plugin.ts";
import {
  type FixturePluginSpec,
  portableHome,
  uniquePluginName,
  writeFixturePlugin,
} from "./fixture-plugin.ts";

export interface LogRecord {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface Harness extends AsyncDisposable {
  readonly plugin: PortablePlugin;
  readonly name: string;
  readonly dir: string;
  /** The plugin's function, named after the plugin: socket paths under /tmp are global. */
  readonly fn: string;
  /** A rule id for sources and sinks, unique for the same reason. */
  readonly rule: string;
  /** Everything logged, parsed, debug included. */
  readonly logs: LogRecord[];
}

/** A logger that keeps every record in `logs`. */
export function recordingLogger(logs: LogRecord[]): Logger {
  return createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line) as LogRecord) });
}

/** Options suited to tests: short deadlines, a quick first restart, the minimal environment. */
export function testOptions(name: string, dir: string, logger: Logger, text: string) {
  return {
    name,
    manifest: parseManifest(text, name),
    dir,
    pythonBin: "python3",
    initTimeoutMs: 10_000,
    stopTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    logger,
    backoff: { initialDelayMs: 50 },
  } satisfies PortablePluginOptions;
}

/**
 * Writes a fixture plugin (unique name unless given; its function is `<name>_echo` unless the
 * spec lists functions) into a temporary home and builds its PortablePlugin, not started.
 * Disposing stops the plugin and removes the folder.
 */
export async function fixtureHarness(
  spec: Partial<FixturePluginSpec> = {},
  overrides: Partial<PortablePluginOptions> = {},
): Promise<Harness> {
  const home = await portableHome();
  const name = spec.name ?? uniquePluginName();
  const functions = spec.behaviour?.functions ?? [`${name}_echo`];
  const behaviour = { functions, ...spec.behaviour };
  const manifest = { functions, ...spec.manifest };
  const dir = await writeFixturePlugin(home.path, { ...spec, name, behaviour, manifest });
  const logs: LogRecord[] = [];
  const text = await readFile(join(dir, `${name}.json`), "utf8");
  const plugin = new PortablePlugin({
    ...testOptions(name, dir, recordingLogger(logs), text),
    ...overrides,
  });
  return {
    plugin,
    name,
    dir,
    fn: functions[0] ?? "echo",
    rule: `r${name}`,
    logs,
    [Symbol.asyncDispose]: async () => {
      await plugin.stop();
      await home[Symbol.asyncDispose]();
    },
  };
}
