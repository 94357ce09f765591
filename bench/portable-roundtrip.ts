// Benchmark: control-channel round trip of plugd's host against the TS test plugin, compared with
// two libnng peers exchanging the same bytes, and the time from kill -9 to running again.

import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../src/log/logger.ts";
import { encodeCommand, type SymbolControl } from "../src/portable/commands.ts";
import { PortablePlugin } from "../src/portable/portable-plugin.ts";
import { LibnngSocket, libnngPath } from "../test/support/libnng.ts";
import {
  uniquePluginName,
  writeFixturePlugin,
} from "../test/support/portable-plugins/fixture-plugin.ts";
import { testOptions } from "../test/support/portable-plugins/plugin-harness.ts";

const warmup = 500;
const rounds = 5_000;
const restartTrials = 5;
const encode = (text: string) => new TextEncoder().encode(text);

/** A started PortablePlugin running the TS test plugin in a fresh folder under `home`. */
async function startPlugin(home: string, backoff: { initialDelayMs?: number } = {}) {
  const name = uniquePluginName("bn");
  const dir = await writeFixturePlugin(home, {
    name,
    manifest: { functions: [`${name}_f`] },
    behaviour: { functions: [`${name}_f`] },
  });
  const text = await readFile(join(dir, `${name}.json`), "utf8");
  const plugin = new PortablePlugin({ ...testOptions(name, dir, silentLogger, text), backoff });
  await plugin.start();
  const fn: SymbolControl = { symbolName: `${name}_f`, pluginType: "func" };
  return { plugin, fn };
}

/** Our host and the TS plugin: repeated `start func`, answered `ok` (a no-op after the first). */
async function oursRoundTrips(home: string): Promise<{ times: number[]; bytes: Uint8Array }> {
  const { plugin, fn } = await startPlugin(home);
  const times: number[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    const start = performance.now();
    await plugin.startSymbol(fn);
    times.push((performance.now() - start) * 1000);
  }
  await plugin.stop();
  return { times, bytes: encodeCommand("start", fn) };
}

/** Child: a libnng REP host that answers the handshake and each `ok` with `command`, timing each. */
function libnngHost(url: string, command: Uint8Array, count: number): void {
  const rep = new LibnngSocket("rep");
  rep.listen(url);
  console.log("listening");
  rep.recv();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    rep.send(command);
    rep.recv();
    times.push((performance.now() - start) * 1000);
  }
  console.log(JSON.stringify(times));
}

/** Child: a libnng REQ plugin that shakes hands and answers every command with `ok`. */
function libnngPlugin(url: string, count: number): void {
  const req = new LibnngSocket("req");
  req.dial(url);
  req.send(encode("handshake"));
  for (let i = 0; i < count; i++) {
    req.recv();
    req.send(encode("ok"));
  }
  req.recv();
}

async function libnngRoundTrips(command: Uint8Array): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), "pbench-"));
  const url = `ipc://${dir}/control.ipc`;
  const count = `${warmup + rounds}`;
  const self = [process.execPath, import.meta.path];
  const hex = Buffer.from(command).toString("hex");
  const host = Bun.spawn([...self, "libnng-host", url, hex, count], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const lines = host.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("listening\n")) out += (await lines.read()).value ?? "";
  const plugin = Bun.spawn([...self, "libnng-plugin", url, count], { stderr: "inherit" });
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    out += value;
  }
  plugin.kill("SIGKILL");
  await Promise.all([host.exited, plugin.exited]);
  rmSync(dir, { recursive: true, force: true });
  return JSON.parse(out.slice(out.indexOf("listening\n") + 10)) as number[];
}

/** kill -9 of the plugin to status running again, for the first restart (default back-off). */
async function restartTimes(home: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < restartTrials; i++) {
    const { plugin, fn } = await startPlugin(home, {});
    await plugin.startSymbol(fn);
    const killedAt = performance.now();
    process.kill(plugin.status().pid, "SIGKILL");
    while (plugin.status().restarts < 1 || plugin.status().status !== "running") await Bun.sleep(1);
    times.push(performance.now() - killedAt);
    await plugin.stop();
  }
  return times;
}

function stats(times: number[], skip = warmup): { median: number; p99: number } {
  const sorted = times.slice(skip).sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { median: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  if (!libnngPath()) throw new Error("libnng1 is not installed (apt-get install -y libnng1)");
  const home = mkdtempSync(join(tmpdir(), "pbench-home-"));
  try {
    const ours = await oursRoundTrips(home);
    const lib = stats(await libnngRoundTrips(ours.bytes));
    const our = stats(ours.times);
    console.log(
      `\ncontrol round trip: a ${ours.bytes.length}-byte start command answered "ok", ${rounds} after ${warmup} warm-up (µs):`,
    );
    console.table({ "plugd host <-> TS plugin": our, "libnng REP <-> libnng REQ": lib });
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    console.log(
      `ours/libnng: median ${ratio(our.median, lib.median)}x, p99 ${ratio(our.p99, lib.p99)}x (goal <= 2x)`,
    );
    const restarts = (await restartTimes(home)).sort((a, b) => a - b).map((t) => Math.round(t));
    console.log(
      `\nkill -9 to running again, first restart, default back-off (ms): ${restarts.join(", ")}`,
    );
    console.log(
      `median ${restarts[Math.floor(restarts.length / 2)]} ms, max ${restarts.at(-1)} ms (goal < 1500 ms)`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[2] === "libnng-host") {
  libnngHost(
    process.argv[3] ?? "",
    Buffer.from(process.argv[4] ?? "", "hex"),
    Number(process.argv[5]),
  );
} else if (process.argv[2] === "libnng-plugin") {
  libnngPlugin(process.argv[3] ?? "", Number(process.argv[4]));
} else {
  await main();
}
