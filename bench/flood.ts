// Benchmark: three output floods against a plugd process (install.sh printing 10 MB of `yes`, a
// portable plugin printing 20 MB, 20 stalled log followers on a plugin printing 1 MB/s): peak
// RSS, the worst /ping latency during each, and the bytes plugd logged per byte of output.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LineSplitter } from "../src/supervisor/line-splitter.ts";
import { nativePluginZip } from "../test/support/plugin-zips.ts";
import type { FloodBehaviour } from "../test/support/portable-plugins/fixture-behaviour.ts";
import { uniquePluginName } from "../test/support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "../test/support/portable-zips.ts";
import {
  freePort,
  MiB,
  peakRssDuring,
  plugdCommand,
  rssOf,
  waitForHttp,
} from "./support/processes.ts";

const followSeconds = Number(process.env.BENCH_FOLLOW_SECONDS ?? 10);

/** plugd from source; its log (stdout and stderr) is counted, and its output lines per plugin. */
function startPlugd(home: string, port: number) {
  const proc = Bun.spawn(plugdCommand(home, port), { stdout: "pipe", stderr: "pipe" });
  const log = { bytes: 0, linesOf: new Map<string, number>() };
  const count = (line: string) => {
    const record = JSON.parse(line) as { plugin?: string; stream?: string; dropped?: number };
    if (record.plugin === undefined) return;
    const lines = (record.stream === undefined ? 0 : 1) + (record.dropped ?? 0);
    log.linesOf.set(record.plugin, (log.linesOf.get(record.plugin) ?? 0) + lines);
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    const splitter = new LineSplitter(Number.POSITIVE_INFINITY, count);
    void (async () => {
      for await (const chunk of stream) {
        log.bytes += chunk.length;
        splitter.push(chunk);
      }
    })();
  }
  return { proc, log };
}

/** Pings `base` back to back while `work` runs; the worst latency in ms. */
async function worstPingDuring<T>(base: string, work: () => Promise<T>) {
  let done = false;
  let worst = 0;
  const pinging = (async () => {
    while (!done) {
      const start = performance.now();
      const res = await fetch(`${base}/ping`);
      await res.arrayBuffer();
      worst = Math.max(worst, performance.now() - start);
      await Bun.sleep(5);
    }
  })();
  try {
    return { result: await work(), worst };
  } finally {
    done = true;
    await pinging;
  }
}

interface Figures {
  flood: string;
  peakRssMiB: number;
  worstPingMs: number;
  logBytesPerOutputByte: number;
}

const fmt = (f: Figures) =>
  `${f.flood.padEnd(44)} peak RSS ${f.peakRssMiB.toFixed(0).padStart(4)} MiB   worst /ping ${f.worstPingMs.toFixed(1).padStart(7)} ms   log ${f.logBytesPerOutputByte.toFixed(5)} B per output byte`;

async function measure(
  flood: string,
  plugd: ReturnType<typeof startPlugd>,
  base: string,
  outputBytes: number,
  work: () => Promise<void>,
): Promise<Figures> {
  const logBefore = plugd.log.bytes;
  const { result, peak } = await peakRssDuring(plugd.proc.pid, () => worstPingDuring(base, work));
  return {
    flood,
    peakRssMiB: peak / MiB,
    worstPingMs: result.worst,
    logBytesPerOutputByte: (plugd.log.bytes - logBefore) / outputBytes,
  };
}

async function createPortable(base: string, zips: string, name: string, flood: FloodBehaviour) {
  const res = await fetch(`${base}/plugins/portables`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, file: `${zips}/${name}.zip?${JSON.stringify(flood)}` }),
  });
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
}

/** A follower that reads the answer's first bytes, then nothing. */
function stalledFollower(port: number, name: string): Socket {
  const socket = connect(port, "127.0.0.1", () =>
    socket.write(`GET /plugins/portables/${name}/logs?follow=1 HTTP/1.1\r\nHost: b\r\n\r\n`),
  );
  socket.once("data", () => socket.pause());
  return socket;
}

const home = mkdtempSync(join(tmpdir(), "plugd-bench-flood-"));
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const zips = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const url = new URL(req.url);
    const name = url.pathname.slice(1).replace(/\.zip$/, "");
    if (name === "yes") {
      return new Response(
        nativePluginZip({ type: "sinks", name, installSh: "yes | head -c 10000000\n" }),
      );
    }
    const flood = JSON.parse(decodeURIComponent(url.search.slice(1))) as FloodBehaviour;
    const functions = [`${name}_f`];
    const spec = { name, behaviour: { flood, functions }, manifest: { functions } };
    return new Response(portablePluginZip(spec));
  },
});
const zipBase = `http://127.0.0.1:${zips.port}`;
const plugd = startPlugd(home, port);
try {
  await waitForHttp(`${base}/ping`);
  const idle = await rssOf(plugd.proc.pid);
  console.log(`plugd idle RSS ${(idle / MiB).toFixed(0)} MiB`);

  const install = await measure(
    "install.sh: yes | head -c 10000000",
    plugd,
    base,
    10e6,
    async () => {
      const res = await fetch(`${base}/plugins/sinks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "yes", file: `${zipBase}/yes.zip` }),
      });
      if (res.status !== 201) throw new Error(`install: ${res.status} ${await res.text()}`);
    },
  );
  console.log(fmt(install));

  const flooder = uniquePluginName("fl");
  const portable = await measure("portable plugin printing 20 MB", plugd, base, 20e6, async () => {
    await createPortable(base, zipBase, flooder, { bytes: 20e6 });
    // Every line the plugin printed is either logged or counted in a drop report.
    while ((plugd.log.linesOf.get(flooder) ?? 0) < 10e6) await Bun.sleep(20);
  });
  console.log(fmt(portable));

  const steady = uniquePluginName("st");
  await createPortable(base, zipBase, steady, { bytesPerSecond: 1e6, lineBytes: 100 });
  const sockets: Socket[] = [];
  const followers = await measure(
    `20 stalled followers, 1 MB/s plugin, ${followSeconds} s`,
    plugd,
    base,
    followSeconds * 1e6,
    async () => {
      for (let i = 0; i < 20; i++) sockets.push(stalledFollower(port, steady));
      await Bun.sleep(followSeconds * 1000);
    },
  );
  console.log(fmt(followers));
  for (const socket of sockets) socket.destroy();
  await Bun.sleep(500);
  console.log(
    `plugd RSS after the followers closed ${((await rssOf(plugd.proc.pid)) / MiB).toFixed(0)} MiB`,
  );
} finally {
  plugd.proc.kill("SIGTERM");
  await plugd.proc.exited;
  zips.stop(true);
  rmSync(home, { recursive: true, force: true });
}
