// 50 plugd gateways against one mosquitto: time from publishing a desired set of 5 plugins until
// all report it applied, the broker's message count, and the idle RSS an agent adds to a gateway.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { buildTarget } from "../scripts/build.ts";
import { brokerOptions } from "../src/fleet/agent/broker-options.ts";
import {
  exportDocument,
  type Gateway,
  startGateway,
  watchFleet,
} from "../test/support/fleet-kit.ts";
import { startFileServer } from "../test/support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "../test/support/mosquitto.ts";
import { plugdFromSource, serveArgs, spawnPlugd } from "../test/support/plugd-process.ts";
import { nativePluginZip } from "../test/support/plugin-zips.ts";
import { MiB, median, repoRoot, rssOf } from "./support/processes.ts";

const gatewayCount = Number(process.env.BENCH_GATEWAYS ?? 50);
const rssRounds = Number(process.env.BENCH_ROUNDS ?? 3);
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 2000);
const host = {
  name: `linux-${process.arch}`,
  bunTarget: `bun-linux-${process.arch}`,
  runtimePackage: "",
};
const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

if (!hasMosquitto) {
  console.log("skipped: /usr/sbin/mosquitto is not installed");
  process.exit(0);
}

await using broker = await startMosquitto();
const types = ["sources", "sinks", "functions"] as const;
const plugins = Array.from({ length: 5 }, (_, i) => ({
  type: types[i % 3] ?? "sinks",
  name: `p${i}`,
}));
await using files = startFileServer(
  Object.fromEntries(plugins.map((p) => [`/${p.name}.zip`, nativePluginZip(p)])),
);
const doc = exportDocument(
  Object.fromEntries(plugins.map((p) => [`${p.type}_${p.name}`, files.url(`/${p.name}.zip`)])),
);

/** The broker's own counters ($SYS, refreshed every second: sys_interval 1). */
async function sysCounters() {
  const client = await mqtt.connectAsync({ ...brokerOptions(broker.url), reconnectPeriod: 0 });
  const values: Record<string, number> = {};
  client.on("message", (topic, payload) => {
    values[topic.replace("$SYS/broker/publish/", "")] = Number(payload.toString());
  });
  await client.subscribeAsync([
    "$SYS/broker/publish/messages/received",
    "$SYS/broker/publish/messages/sent",
  ]);
  return {
    /** The next values the broker publishes after now. */
    next: async () => {
      for (const key of Object.keys(values)) delete values[key];
      while (values["messages/received"] === undefined || values["messages/sent"] === undefined) {
        await Bun.sleep(20);
      }
      return { received: values["messages/received"], sent: values["messages/sent"] };
    },
    [Symbol.asyncDispose]: () => client.endAsync(),
  };
}

async function fleetRun() {
  await using fleet = await watchFleet(broker.url);
  const gateways: Gateway[] = [];
  const ids = Array.from({ length: gatewayCount }, (_, i) => `bench-gw-${i}`);
  try {
    const startedAt = performance.now();
    for (let i = 0; i < ids.length; i += 5) {
      const batch = ids
        .slice(i, i + 5)
        .map((id) => startGateway({ broker: broker.url, id, groups: ["bench"] }));
      gateways.push(...(await Promise.all(batch)));
    }
    await fleet.until(ids, (s) => s.online, "every gateway online");
    console.log(
      `${gatewayCount} gateways started and online in ${Math.round(performance.now() - startedAt)} ms`,
    );
    await using sys = await sysCounters();
    const before = await sys.next();
    const seenBefore = fleet.statuses.size + fleet.events.length;
    let seen = 0;
    fleet.client.on("message", () => seen++);
    const published = performance.now();
    await fleet.publish("plugd/groups/bench/desired", doc);
    await fleet.until(ids, (s) => s.appliedSha256 === sha256(doc), "every gateway applied");
    const convergeMs = performance.now() - published;
    const after = await sys.next();
    console.log(
      `publish → all ${gatewayCount} report applied (5 plugins each): ${Math.round(convergeMs)} ms; ` +
        `the watcher got ${seen} status/event messages for it (${seenBefore} before); broker $SYS ` +
        `PUBLISH delta (≤1 s resolution, $SYS included): received ${after.received - before.received}, ` +
        `sent ${after.sent - before.sent}`,
    );
    const rss = await Promise.all(gateways.map((gw) => rssOf(gw.plugd.proc.pid)));
    console.log(`gateway RSS after the apply: median ${(median(rss) / MiB).toFixed(1)} MiB`);
  } finally {
    await Promise.all(gateways.map((gw) => gw[Symbol.asyncDispose]()));
  }
}

/** VmRSS and RssAnon (private memory; the rest is mostly pages of the executable) of `pid`. */
async function memoryOf(pid: number): Promise<{ rss: number; anon: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  return { rss: await rssOf(pid), anon };
}

/** Idle memory of one plugd (`command` for its home), with or without a connected (idle) agent. */
async function idleRss(
  command: (home: string) => string[],
  withAgent: boolean,
): Promise<{ rss: number; anon: number }> {
  const home = mkdtempSync(join(tmpdir(), "plugd-bench-agent-"));
  mkdirSync(join(home, "etc"), { recursive: true });
  const fleet = withAgent
    ? `fleet:\n  url: ${broker.url}\n  clientId: rss-gw\n  groups: [idle]\n`
    : "";
  writeFileSync(join(home, "etc", "plugd.yaml"), `portable:\n  cgroups: false\n${fleet}`);
  await using plugd = await spawnPlugd(command(home));
  try {
    // Both ask GET /fleet the same way, so HTTP costs the same with and without the agent.
    const ready = async () => {
      const report = (await (await fetch(`${plugd.url}/fleet`)).json()) as { connection?: string };
      return withAgent ? report.connection === "connected" : true;
    };
    while (!(await ready())) await Bun.sleep(20);
    await Bun.sleep(idleMs);
    return await memoryOf(plugd.proc.pid);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Medians of `rssRounds` idle memory readings without and with the agent, taken in turns. */
async function agentCost(name: string, command: (home: string) => string[]): Promise<void> {
  const without: { rss: number; anon: number }[] = [];
  const withAgent: { rss: number; anon: number }[] = [];
  for (let round = 0; round < rssRounds; round++) {
    without.push(await idleRss(command, false));
    withAgent.push(await idleRss(command, true));
  }
  const mib = (list: { rss: number; anon: number }[], key: "rss" | "anon") =>
    median(list.map((m) => m[key])) / MiB;
  const [a, b] = [mib(without, "rss"), mib(withAgent, "rss")];
  const [anonA, anonB] = [mib(without, "anon"), mib(withAgent, "anon")];
  console.log(
    `idle RSS, ${name} (medians of ${rssRounds}, ${idleMs} ms idle): without agent ${a.toFixed(1)} MiB, ` +
      `with a connected agent ${b.toFixed(1)} MiB: +${(b - a).toFixed(1)} MiB (goal ≤ 5 MiB); ` +
      `of it anonymous (private) +${(anonB - anonA).toFixed(1)} MiB (${anonA.toFixed(1)} → ${anonB.toFixed(1)})`,
  );
}

if (process.env.BENCH_ONLY !== "rss") await fleetRun();
const binary = join(repoRoot, ".bench-cache", "fleet-mqtt", "plugd");
await buildTarget(host, binary, "bench");
await agentCost("compiled binary", (home) => [binary, ...serveArgs(home, 0)]);
await agentCost("from source", (home) => plugdFromSource(home));
