// GET /plugins/functions with 100 plugins installed: plugd's requests per second as a ratio to a
// bare Bun.serve that answers the same JSON, both measured in this run with the same client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeZip } from "../test/support/plugin-zips.ts";
import { load } from "./support/load.ts";
import {
  freePort,
  median,
  spawnForLine,
  startPlugdProcess,
  waitForHttp,
} from "./support/processes.ts";

const plugins = 100;
const connections = 32;
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

async function installMany(base: string, zipServer: string): Promise<void> {
  for (let i = 0; i < plugins; i++) {
    const name = `fn${String(i).padStart(3, "0")}`;
    const res = await fetch(`${base}/plugins/functions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, file: `${zipServer}/${name}.zip` }),
    });
    if (res.status !== 201) throw new Error(`install ${name}: ${res.status} ${await res.text()}`);
  }
}

export async function benchListRps(): Promise<{
  plugd: number;
  bare: number;
  ratio: number;
  /** The lowest and highest ratio of one round's two runs. */
  spread: [number, number];
}> {
  const zips = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const name = new URL(req.url).pathname.slice(1).replace(/\.zip$/, "");
      const upper = name.charAt(0).toUpperCase() + name.slice(1);
      return new Response(makeZip({ [`${upper}@v1.0.0.so`]: "not elf" }));
    },
  });
  const home = mkdtempSync(join(tmpdir(), "plugd-bench-list-"));
  const port = freePort();
  const plugd = startPlugdProcess(home, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/ping`);
    await installMany(base, `http://127.0.0.1:${zips.port}`);
    const body = await (await fetch(`${base}/plugins/functions`)).text();
    const bare = await spawnForLine([
      process.execPath,
      join(import.meta.dir, "support", "bare-server.ts"),
      body,
    ]);
    const bareUrl = bare.line;
    // Alternate the two so that drift of the machine's load hits both alike; report medians.
    const plugdRuns: number[] = [];
    const bareRuns: number[] = [];
    await load(`${base}/plugins/functions`, connections, 1);
    await load(bareUrl, connections, 1);
    for (let round = 0; round < rounds; round++) {
      plugdRuns.push((await load(`${base}/plugins/functions`, connections, seconds)).rps);
      bareRuns.push((await load(bareUrl, connections, seconds)).rps);
    }
    const plugdRps = median(plugdRuns);
    const bareRps = median(bareRuns);
    bare.proc.kill();
    const ratios = plugdRuns.map((rps, round) => rps / (bareRuns[round] ?? rps));
    const spread: [number, number] = [Math.min(...ratios), Math.max(...ratios)];
    return { plugd: plugdRps, bare: bareRps, ratio: plugdRps / bareRps, spread };
  } finally {
    plugd.kill();
    zips.stop(true);
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const r = await benchListRps();
  console.log(
    `GET /plugins/functions, ${plugins} plugins, ${connections} connections, median of ${rounds} alternating ${seconds}s runs`,
  );
  console.log(
    `  plugd ${r.plugd.toFixed(0)} req/s, bare Bun.serve ${r.bare.toFixed(0)} req/s, ratio ${r.ratio.toFixed(2)}x (rounds ${r.spread[0].toFixed(2)}-${r.spread[1].toFixed(2)}; goal >= 0.9x)`,
  );
}
