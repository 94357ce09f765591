// Installing plugin zips through plugd's API: wall time as a ratio to `unzip -q` of the same zip
// into an empty folder, and the server's peak memory above idle, measured in this run. The zips
// are served by Bun.serve from a file, which answers Range requests as most servers do; the zip
// is in the page cache for both tools (each round reads it just before).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { elfHeader, ownMachine } from "../test/support/plugin-zips.ts";
import {
  freePort,
  MiB,
  median,
  peakRssDuring,
  rssOf,
  startPlugdProcess,
  waitForHttp,
} from "./support/processes.ts";
import { buildManyFiles, buildOneBigEntry, cachedZip } from "./support/zips.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

async function timeUnzip(zipPath: string): Promise<number> {
  const dest = mkdtempSync(join(tmpdir(), "plugd-bench-unzip-"));
  try {
    const started = performance.now();
    const proc = Bun.spawn(["unzip", "-q", zipPath, "-d", dest], { stdout: "ignore" });
    if ((await proc.exited) !== 0) throw new Error(`unzip failed on ${zipPath}`);
    return performance.now() - started;
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

interface PlugdRun {
  ms: number;
  peakAboveIdle: number;
}

async function timeInstall(
  base: string,
  pid: number,
  name: string,
  url: string,
): Promise<PlugdRun> {
  Bun.gc(true);
  const idle = await rssOf(pid);
  const started = performance.now();
  const { result: res, peak } = await peakRssDuring(pid, () =>
    fetch(`${base}/plugins/sinks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, file: url }),
    }),
  );
  const ms = performance.now() - started;
  if (res.status !== 201) throw new Error(`install ${name}: ${res.status} ${await res.text()}`);
  const removed = await fetch(`${base}/plugins/sinks/${name}`, { method: "DELETE" });
  if (!removed.ok) throw new Error(`delete ${name}: ${removed.status}`);
  return { ms, peakAboveIdle: peak - idle };
}

interface Goal {
  ratio: number;
  peakMiB: number;
}

async function compare(label: string, name: string, zipPath: string, goal: Goal): Promise<void> {
  const files = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(Bun.file(zipPath)),
  });
  const home = mkdtempSync(join(tmpdir(), "plugd-bench-install-"));
  const port = freePort();
  const plugd = startPlugdProcess(home, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/ping`);
    const url = `http://127.0.0.1:${files.port}/${name}.zip`;
    await timeInstall(base, plugd.pid, name, url);
    const plugdRuns: PlugdRun[] = [];
    const unzipRuns: number[] = [];
    for (let round = 0; round < rounds; round++) {
      plugdRuns.push(await timeInstall(base, plugd.pid, name, url));
      unzipRuns.push(await timeUnzip(zipPath));
    }
    const plugdMs = median(plugdRuns.map((r) => r.ms));
    const unzipMs = median(unzipRuns);
    // Each round's plugd run against the unzip run right after it: the spread of the ratio.
    const ratios = plugdRuns.map((r, i) => r.ms / (unzipRuns[i] ?? Number.NaN));
    const peak = Math.max(...plugdRuns.map((r) => r.peakAboveIdle)) / MiB;
    const size = Bun.file(zipPath).size / MiB;
    console.log(
      `${label} (${size.toFixed(1)} MiB zip): plugd ${plugdMs.toFixed(0)} ms, unzip ${unzipMs.toFixed(0)} ms, ` +
        `ratio ${(plugdMs / unzipMs).toFixed(2)}x (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; goal <= ${goal.ratio}x); ` +
        `server peak ${peak.toFixed(1)} MiB above idle (goal <= ${goal.peakMiB} MiB)`,
    );
  } finally {
    plugd.kill();
    await plugd.exited;
    files.stop(true);
    rmSync(home, { recursive: true, force: true });
  }
}

export async function benchInstall(): Promise<void> {
  const so = { "Many@v1.0.0.so": elfHeader(ownMachine()) };
  const many = cachedZip("install-many.zip", () => buildManyFiles("etc/", so));
  const big = cachedZip("install-big.zip", () => buildOneBigEntry("Big@v1.0.0.so"));
  console.log(`plugin install through the API, median of ${rounds} alternating rounds`);
  await compare("1000 files", "many", many, { ratio: 0.7, peakMiB: 48 });
  await compare("one 100 MiB entry", "big", big, { ratio: 0.5, peakMiB: 48 });
}

if (import.meta.main) await benchInstall();
