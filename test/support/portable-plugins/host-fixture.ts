// Test host: a plugd stand-in running one portable plugin, to be SIGKILLed so the plugin is orphaned.
//
// argv: <plugin dir> [pid file]. Starts the plugin, starts its function, calls Exec once, then
// prints `ready <plugin pid>` and waits to be killed.

import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { silentLogger } from "../../../src/log/logger.ts";
import { parseManifest } from "../../../src/portable/manifest.ts";
import { PortablePlugin } from "../../../src/portable/portable-plugin.ts";
import { testOptions } from "./plugin-harness.ts";

const dir = process.argv[2] ?? "";
const pidFile = process.argv[3];
const name = basename(dir);
const text = await readFile(join(dir, `${name}.json`), "utf8");
const plugin = new PortablePlugin({
  ...testOptions(name, dir, silentLogger, text),
  ...(pidFile !== undefined && { pidFile }),
});
await plugin.start();
const fn = parseManifest(text, name).functions[0] ?? "echo";
await plugin.callFunction(fn, "Exec", ["before"]);
console.log(`ready ${plugin.status().pid}`);
setInterval(() => {}, 1 << 30);
