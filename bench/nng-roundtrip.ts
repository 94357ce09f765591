// Benchmark: REQ/REP round-trip latency of our TypeScript sockets against libnng, in one run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RepSocket } from "../src/nng/rep.ts";
import { libnngPath } from "../test/support/libnng.ts";
import { LibnngPeer } from "../test/support/libnng-peer.ts";
import { ReqSocket } from "../test/support/nng-req/req-socket.ts";

const warmup = 500;
const rounds = 5_000;
const sizes = [64, 64 * 1024];

/** Child mode: our REQ dials `url` and times `count` round trips of `size` bytes, in µs. */
async function pingChild(url: string, count: number, size: number): Promise<void> {
  await using req = new ReqSocket();
  await req.dial(url);
  const body = new Uint8Array(size);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await req.send(body);
    await req.recv();
    times.push((performance.now() - start) * 1000);
  }
  console.log(JSON.stringify(times));
}

/** Our REP answering every request with its own body until closed. */
async function echoForever(rep: RepSocket): Promise<void> {
  for (;;) {
    const body = await rep.recv().catch(() => undefined);
    if (!body) return;
    await rep.send(body);
  }
}

async function oursBoth(url: string, size: number): Promise<number[]> {
  await using rep = new RepSocket();
  await rep.listen(url);
  const echo = echoForever(rep);
  const cmd = [
    process.execPath,
    import.meta.path,
    "ping-child",
    url,
    `${warmup + rounds}`,
    `${size}`,
  ];
  const child = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error("ping child failed");
  await rep.close();
  await echo;
  return parseTimes(out);
}

function parseTimes(json: string): number[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error(`ping child printed ${json.slice(0, 80)}`);
  return parsed.map(Number);
}

async function oursRepLibnngReq(url: string, size: number): Promise<number[]> {
  await using rep = new RepSocket();
  await rep.listen(url);
  const echo = echoForever(rep);
  await using req = await LibnngPeer.start({ role: "req", mode: "dial", url });
  const times = await req.ping(warmup + rounds, size);
  await rep.close();
  await echo;
  return times;
}

async function libnngBoth(url: string, size: number): Promise<number[]> {
  await using rep = await LibnngPeer.start({ role: "rep", mode: "listen", url });
  const echoed = rep.echo(warmup + rounds);
  await using req = await LibnngPeer.start({ role: "req", mode: "dial", url });
  const times = await req.ping(warmup + rounds, size);
  await echoed;
  return times;
}

function stats(times: number[]): { median: number; p99: number } {
  const sorted = times.slice(warmup).sort((a, b) => a - b);
  const at = (q: number) => {
    const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return Math.round(value * 10) / 10;
  };
  return { median: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  if (!libnngPath()) throw new Error("libnng1 is not installed (apt-get install -y libnng1)");
  const dir = mkdtempSync(join(tmpdir(), "nngb-"));
  try {
    for (const size of sizes) {
      const url = (name: string) => `ipc://${dir}/${name}-${size}.ipc`;
      const ours = stats(await oursBoth(url("ours"), size));
      const mixed = stats(await oursRepLibnngReq(url("mixed"), size));
      const lib = stats(await libnngBoth(url("lib"), size));
      console.log(`\n${size}-byte body, ${rounds} round trips after ${warmup} warm-up (µs):`);
      console.table({
        "ours REP <-> ours REQ": ours,
        "ours REP <-> libnng REQ": mixed,
        "libnng <-> libnng": lib,
      });
      const ratio = (a: number, b: number) => (a / b).toFixed(2);
      console.log(
        `ours/libnng: median ${ratio(ours.median, lib.median)}x, p99 ${ratio(ours.p99, lib.p99)}x`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "ping-child") {
  await pingChild(process.argv[3] ?? "", Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
