// The data plane against direct use of the same plugin, in one run: source rate and latency over
// SSE (1 and 10 subscribers sharing one start), sink sends in batches, function calls by name,
// and a plugd process's RSS while a subscriber stops reading.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/log/logger.ts";
import { startFileServer } from "../test/support/http-fixtures.ts";
import { libnngPath } from "../test/support/libnng.ts";
import { uniquePluginName } from "../test/support/portable-plugins/fixture-plugin.ts";
import { fixtureHarness } from "../test/support/portable-plugins/plugin-harness.ts";
import { portablePluginZip } from "../test/support/portable-zips.ts";
import { freePort, MiB, rssOf, startPlugdProcess, waitForHttp } from "./support/processes.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const stallSeconds = Number(process.env.BENCH_STALL_SECONDS ?? 20);
const behaviour = { sourceIntervalMs: 1, sourceBurst: 10, stampMessages: true };

interface Rate {
  perSecond: number;
  p50: number;
  p99: number;
}

function rateOf(latencies: number[], ms: number): Rate {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { perSecond: (latencies.length * 1000) / ms, p50: at(0.5), p99: at(0.99) };
}

const show = (r: Rate) =>
  `${Math.round(r.perSecond)} msg/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;
const now = () => performance.timeOrigin + performance.now();

/** Direct: the plugin driven in this process by PortablePlugin, no HTTP in between. */
async function directSource(): Promise<Rate> {
  const latencies: number[] = [];
  let counting = false;
  await using h = await fixtureHarness(
    { behaviour },
    {
      logger: createLogger({ level: "error" }),
      onSourceData: (_s, _m, data) => {
        if (counting) latencies.push(now() - Number(data.message.at));
      },
    },
  );
  await h.plugin.start();
  const meta = { ruleId: h.rule, opId: "bench", instanceId: 0 };
  await h.plugin.startSymbol({ symbolName: "random", pluginType: "source", meta });
  await Bun.sleep(500);
  counting = true;
  await Bun.sleep(seconds * 1000);
  counting = false;
  return rateOf(latencies, seconds * 1000);
}

/** `n` SSE subscribers of one source start; the rate and latency each of them sees. */
async function sseSource(base: string, plugin: string, n: number): Promise<Rate> {
  const url = `${base}/plugins/portables/${plugin}/sources/random/stream`;
  const controller = new AbortController();
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(url, { signal: controller.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const latencies: number[] = [];
      let buffered = "";
      const started = performance.now();
      const warm = started + 500;
      const end = warm + seconds * 1000;
      while (performance.now() < end) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        const events = buffered.split("\n\n");
        buffered = events.pop() ?? "";
        if (performance.now() < warm) continue;
        for (const event of events) {
          if (!event.startsWith("data: ")) continue;
          const { message } = JSON.parse(event.slice(6)) as { message: { at: number } };
          latencies.push(now() - message.at);
        }
      }
      await reader.cancel();
      return latencies;
    }),
  );
  controller.abort();
  const rates = results.map((l) => rateOf(l, seconds * 1000));
  const perSecond = rates.reduce((sum, r) => sum + r.perSecond, 0) / rates.length;
  const worst = (key: "p50" | "p99") => Math.max(...rates.map((r) => r[key]));
  return { perSecond, p50: worst("p50"), p99: worst("p99") };
}

async function timeIt(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** libnng PUSH straight to the plugin's sink (started by PortablePlugin), in a child process. */
async function sinkLibnng(count: number): Promise<number | undefined> {
  if (libnngPath() === undefined) return undefined;
  await using h = await fixtureHarness({}, { logger: createLogger({ level: "error" }) });
  await h.plugin.start();
  const meta = { ruleId: h.rule, opId: "bench", instanceId: 0 };
  await h.plugin.startSymbol({ symbolName: "file", pluginType: "sink", meta });
  const url = `ipc:///tmp/${h.rule}_bench_0.ipc`;
  const child = Bun.spawn(
    [
      process.execPath,
      join(import.meta.dir, "support", "libnng-push.ts"),
      url,
      `${count}`,
      '{"t":20.5}',
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error("the libnng pusher failed");
  return Number(out.trim());
}

async function sinkRest(base: string, plugin: string, count: number): Promise<number> {
  const batch = JSON.stringify(Array.from({ length: 1000 }, () => ({ t: 20.5 })));
  const url = `${base}/plugins/portables/${plugin}/sinks/file/send`;
  return timeIt(async () => {
    for (let sent = 0; sent < count; sent += 1000) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: batch,
      });
      if (res.status !== 200) throw new Error(`send answered ${res.status}`);
    }
  });
}

async function calls(url: string, body: unknown, count: number): Promise<number> {
  const text = JSON.stringify(body);
  const headers = { "content-type": "application/json" };
  const ms = await timeIt(async () => {
    for (let i = 0; i < count; i++) {
      const res = await fetch(url, { method: "POST", headers, body: text });
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    }
  });
  return ms / count;
}

async function stalledSubscriber(base: string, pid: number, plugin: string) {
  const idle = await rssOf(pid);
  const res = await fetch(`${base}/plugins/portables/${plugin}/sources/random/stream`);
  const deadline = performance.now() + stallSeconds * 1000;
  let peak = idle;
  while (performance.now() < deadline) {
    peak = Math.max(peak, await rssOf(pid));
    await Bun.sleep(250);
  }
  await res.body?.cancel();
  return { idle, peak };
}

const home = mkdtempSync(join(tmpdir(), "plugd-bench-dataplane-"));
mkdirSync(join(home, "etc"), { recursive: true });
// Both sides drop the plugin's output lines (logged at info), so the figures compare transports.
writeFileSync(
  join(home, "etc", "plugd.yaml"),
  "basic:\n  logLevel: warn\nportable:\n  initTimeout: 20s\n",
);
const port = freePort();
const proc = startPlugdProcess(home, port);
const name = uniquePluginName();
await using files = startFileServer({ "/p.zip": portablePluginZip({ name, behaviour }) });
try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/ping`);
  const created = await fetch(`${base}/plugins/portables`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, file: files.url("/p.zip") }),
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);

  const direct = await directSource();
  const one = await sseSource(base, name, 1);
  const ten = await sseSource(base, name, 10);
  console.log(`source, direct (PortablePlugin in-process): ${show(direct)}`);
  console.log(
    `source, SSE, 1 subscriber: ${show(one)}  (${(one.perSecond / direct.perSecond).toFixed(2)}x direct)`,
  );
  console.log(
    `source, SSE, 10 subscribers sharing one start, each: ${show(ten)}  (${(ten.perSecond / direct.perSecond).toFixed(2)}x direct)`,
  );

  const count = Number(process.env.BENCH_SINK_MESSAGES ?? 100_000);
  const directSink = await sinkLibnng(count);
  const restSink = await sinkRest(base, name, count);
  const rate = (ms: number) => Math.round((count * 1000) / ms);
  if (directSink === undefined) console.log("sink: libnng1 is not installed; no reference run");
  else {
    console.log(
      `sink, libnng PUSH straight to the plugin: ${rate(directSink)} msg/s; REST send, batches of 1,000: ${rate(restSink)} msg/s (${(directSink / restSink).toFixed(2)}x the reference)`,
    );
  }

  const low = await calls(
    `${base}/plugins/portables/${name}/functions/echo/call`,
    { func: "Exec", arg: ["x"] },
    2000,
  );
  const byName = await calls(`${base}/plugins/udfs/echo/call`, { args: ["x"] }, 2000);
  console.log(
    `function call round trip: udfs/{fn}/call ${(byName * 1000).toFixed(0)} µs, low-level call ${(low * 1000).toFixed(0)} µs (${(byName / low).toFixed(2)}x)`,
  );

  const { idle, peak } = await stalledSubscriber(base, proc.pid, name);
  console.log(
    `a subscriber that reads nothing for ${stallSeconds} s at ~${Math.round(direct.perSecond)} msg/s: plugd RSS ${Math.round(idle / MiB)} -> peak ${Math.round(peak / MiB)} MiB (+${((peak - idle) / MiB).toFixed(1)} MiB)`,
  );
} finally {
  proc.kill();
  await proc.exited;
  rmSync(home, { recursive: true, force: true });
}
