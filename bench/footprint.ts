// plugd's footprint against a bare compiled Bun.serve and a bare compiled Elysia app (the
// framework's own floor), all built the same way in this run:
// exec to first 200 on /ping, idle RSS, the start with 1,000 plugins, GET /plugins/functions.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildTarget, bytecodeOrderProfile } from "../scripts/build.ts";
import { serveArgs } from "../test/support/plugd-process.ts";
import { type ColdStart, coldStart } from "./support/cold-start.ts";
import { homeWithPlugins } from "./support/plugin-home.ts";
import { freePort, MiB, median, repoRoot, waitForHttp } from "./support/processes.ts";

const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 1000);
const pluginCount = Number(process.env.BENCH_PLUGINS ?? 1000);
const out = join(repoRoot, ".bench-cache", "footprint");
const host = {
  name: `linux-${process.arch}`,
  bunTarget: `bun-linux-${process.arch}`,
  runtimePackage: "",
};

/** Builds `entry` as scripts/build.ts builds plugd (with its bytecode order, when given). */
async function build(entry: string, name: string, bytecodeOrder?: string): Promise<string> {
  const outfile = join(out, name);
  const started = performance.now();
  await buildTarget(host, outfile, "bench", { entry, bytecodeOrder });
  console.log(`built ${name} in ${Math.round(performance.now() - started)} ms`);
  return outfile;
}

function plugdCommand(binary: string, home: string) {
  return (port: number) => [binary, ...serveArgs(home, port)];
}

/** Median of `rounds` cold starts of each command, taken in turns so drift hits all alike. */
async function coldStarts(commands: Record<string, (port: number) => string[]>) {
  const runs: Record<string, ColdStart[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, command] of Object.entries(commands)) {
      const list = runs[name] ?? [];
      list.push(await coldStart(command, idleMs));
      runs[name] = list;
    }
  }
  const result: Record<
    string,
    { readyMs: number; cpuMs: number; idleMiB: number; anonMiB: number }
  > = {};
  for (const [name, list] of Object.entries(runs)) {
    result[name] = {
      readyMs: median(list.map((r) => r.readyMs)),
      cpuMs: median(list.map((r) => r.cpuMs)),
      idleMiB: median(list.map((r) => r.idleRss)) / MiB,
      anonMiB: median(list.map((r) => r.idleAnon)) / MiB,
    };
  }
  return result;
}

/** Median latency of sequential GET /plugins/functions, after one warm-up request. */
async function listLatency(binary: string, home: string, requests = 200) {
  const port = freePort();
  const proc = Bun.spawn(plugdCommand(binary, home)(port), { stdout: "ignore", stderr: "ignore" });
  const url = `http://127.0.0.1:${port}/plugins/functions`;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/ping`);
    const first = performance.now();
    const count = ((await (await fetch(url)).json()) as unknown[]).length;
    const firstMs = performance.now() - first;
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await (await fetch(url)).arrayBuffer();
      times.push(performance.now() - started);
    }
    return { count, firstMs, medianMs: median(times) };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

/** Per-step medians of `runs` runs of the start profile on `home`. */
async function startProfile(binary: string, home: string, runs = 5) {
  const steps: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) {
    const proc = Bun.spawn([binary, home], { stdout: "pipe", stderr: "inherit" });
    const text = await new Response(proc.stdout).text();
    if ((await proc.exited) !== 0) throw new Error(`start profile failed:\n${text}`);
    const { marks } = JSON.parse(text) as { marks: Record<string, number> };
    for (const [step, ms] of Object.entries(marks)) steps[step] = [...(steps[step] ?? []), ms];
  }
  return Object.entries(steps).map(([step, times]) => ({ step, ms: median(times) }));
}

/**
 * Median peak RSS (MiB) of `command` run to its end `rounds` times: code loaded, nothing served.
 * Read by GNU time (Bun's resourceUsage() gives the children's peak so far, not this one's);
 * undefined where /usr/bin/time is missing.
 */
async function loadedPeak(command: string[]): Promise<number | undefined> {
  if (!existsSync("/usr/bin/time")) return undefined;
  const peaks: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const proc = Bun.spawn(["/usr/bin/time", "-f", "%M", ...command], {
      stdout: "ignore",
      stderr: "pipe",
    });
    const text = await new Response(proc.stderr).text();
    if ((await proc.exited) !== 0) throw new Error(`${command.join(" ")} failed: ${text}`);
    peaks.push(Number(text.trim().split("\n").at(-1)) * 1024);
  }
  return median(peaks) / MiB;
}

/** Peak RSS of Elysia alone loaded and of `plugd version`: what loading the code costs. */
async function printLoaded(elysiaLoaded: string, plugd: string): Promise<void> {
  const elysia = await loadedPeak([elysiaLoaded]);
  const own = await loadedPeak([plugd, "version"]);
  if (elysia === undefined || own === undefined) {
    console.log("code loaded, nothing served: not measured (no /usr/bin/time)");
    return;
  }
  console.log(
    `code loaded, nothing served (peak RSS, median of ${rounds}): Elysia alone ${elysia.toFixed(1)} MiB, \`plugd version\` ${own.toFixed(1)} MiB`,
  );
}

function sizes(): string[] {
  const dist = join(repoRoot, "dist");
  if (!existsSync(dist)) return [];
  const files = readdirSync(dist, { withFileTypes: true }).filter((f) => f.isFile());
  return files.map((f) => `${f.name} ${(statSync(join(dist, f.name)).size / MiB).toFixed(1)} MiB`);
}

const verdict = (value: number, goal: number) =>
  `${value.toFixed(2)}× (goal ≤ ${goal}×: ${value <= goal ? "met" : `missed by ${((value / goal - 1) * 100).toFixed(0)}%`})`;

type Starts = Awaited<ReturnType<typeof coldStarts>>;
type Latency = Awaited<ReturnType<typeof listLatency>>;
type Profile = Awaited<ReturnType<typeof startProfile>>;

function printReport(starts: Starts, list: Latency, profile: Profile): void {
  const full = `plugd, ${pluginCount} plugins`;
  const { bare: b, plugd: p, [full]: f, "bare Elysia": e } = starts;
  if (!b || !p || !f || !e) throw new Error("missing cold starts");
  console.log(
    `\nmedians of ${rounds} cold starts each, in turns; RSS ${idleMs} ms after the first 200`,
  );
  for (const [name, s] of Object.entries(starts)) {
    const cpu = `(${s.cpuMs.toFixed(1).padStart(5)} ms CPU)`;
    const rss = `${s.idleMiB.toFixed(1).padStart(5)} MiB idle (${s.anonMiB.toFixed(1).padStart(4)} anonymous)`;
    console.log(
      `  ${name.padEnd(22)} ${s.readyMs.toFixed(1).padStart(6)} ms to 200 ${cpu}  ${rss}`,
    );
  }
  console.log(`start, empty home vs bare:        ${verdict(p.readyMs / b.readyMs, 1.5)}`);
  console.log(`idle RSS vs bare:                 ${verdict(p.idleMiB / b.idleMiB, 1.5)}`);
  console.log(`start, ${pluginCount} plugins vs empty:   ${verdict(f.readyMs / p.readyMs, 2)}`);
  console.log(`start, empty home vs bare Elysia: ${verdict(p.readyMs / e.readyMs, 1.3)}`);
  console.log(
    `start, ${pluginCount} plugins vs bare Elysia: ${verdict(f.readyMs / e.readyMs, 1.3)}`,
  );
  console.log(`idle RSS vs bare Elysia:          ${verdict(p.idleMiB / e.idleMiB, 1.2)}`);
  console.log(
    `idle RSS, ${pluginCount} plugins vs bare Elysia: ${verdict(f.idleMiB / e.idleMiB, 1.2)}`,
  );
  const met = list.medianMs < 5 ? "met" : "missed";
  console.log(
    `GET /plugins/functions, ${list.count} plugins: median ${list.medianMs.toFixed(2)} ms of 200 (goal < 5 ms: ${met}), first ${list.firstMs.toFixed(1)} ms`,
  );
  console.log(`\nwhere a cold start goes (start-profile, ${full}, medians of 5), ms:`);
  for (const { step, ms } of profile) console.log(`  ${ms.toFixed(1).padStart(6)}  ${step}`);
  console.log(`\nbinaries in dist/: ${sizes().join(", ") || "none (npm run build)"}`);
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const bare = await build(join(import.meta.dir, "support", "bare-ping.ts"), "bare-ping");
  const elysia = await build(join(import.meta.dir, "support", "bare-elysia.ts"), "bare-elysia");
  const elysiaLoaded = await build(
    join(import.meta.dir, "support", "elysia-loaded.ts"),
    "elysia-loaded",
  );
  const order = await bytecodeOrderProfile("bench");
  const plugd = await build(join(repoRoot, "src", "main.ts"), "plugd", order);
  const profiler = await build(join(import.meta.dir, "support", "start-profile.ts"), "profile");
  const emptyHome = await homeWithPlugins(plugd, 0);
  const started = performance.now();
  const fullHome = await homeWithPlugins(plugd, pluginCount);
  console.log(`installed ${pluginCount} plugins in ${Math.round(performance.now() - started)} ms`);
  try {
    const starts = await coldStarts({
      bare: (port) => [bare, String(port)],
      "bare Elysia": (port) => [elysia, String(port)],
      plugd: plugdCommand(plugd, emptyHome),
      [`plugd, ${pluginCount} plugins`]: plugdCommand(plugd, fullHome),
    });
    printReport(starts, await listLatency(plugd, fullHome), await startProfile(profiler, fullHome));
    await printLoaded(elysiaLoaded, plugd);
  } finally {
    rmSync(emptyHome, { recursive: true, force: true });
    rmSync(fullHome, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
