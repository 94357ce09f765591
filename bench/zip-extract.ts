// Benchmark: ZipArchive extraction against `unzip`, in time and in peak memory growth.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultZipLimits } from "../src/zip/limits.ts";
import { ZipArchive } from "../src/zip/zip-archive.ts";
import { buildManyFiles, buildOneBigEntry, cachedZip } from "./support/zips.ts";

/** Rounds per zip: 5 by default, or the number after --rounds (disk noise needs 15 or more). */
const roundsFlag = process.argv.indexOf("--rounds");
const runs = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;
const mib = 1024 * 1024;

/** Peak and current resident set size of this process in bytes, from /proc. */
function memoryStatus(): { peak: number; current: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) * 1024;
  return { peak: kib("VmHWM"), current: kib("VmRSS") };
}

/** The two ways to extract a whole zip with ZipArchive. */
type Method = "extractTo" | "extractAll";

/**
 * Child mode: extract one zip and report time and peak RSS growth as JSON. Linux resets the
 * peak ("VmHWM") when 5 is written to clear_refs, so the peak covers the extraction only,
 * with no sampling timer to disturb the timing.
 */
async function extractInChild(method: Method, zipPath: string, dest: string): Promise<void> {
  Bun.gc(true);
  writeFileSync("/proc/self/clear_refs", "5");
  const before = memoryStatus().current;
  const started = performance.now();
  await using archive = await ZipArchive.open(zipPath, defaultZipLimits);
  if (method === "extractAll") await archive.extractAll(dest);
  else for (const entry of archive.entries) await archive.extractTo(entry, join(dest, entry.name));
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, growth: memoryStatus().peak - before }));
}

interface Sample {
  ms: number;
  growth: number;
}

async function timeZipArchive(method: Method, zipPath: string, dest: string): Promise<Sample> {
  const args = [process.execPath, import.meta.path, "--child", method, zipPath, dest];
  const child = Bun.spawn(args, { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`extraction child failed: ${out}`);
  return JSON.parse(out) as Sample;
}

async function timeUnzip(zipPath: string, dest: string): Promise<Sample> {
  const started = performance.now();
  const child = Bun.spawn(["unzip", "-q", zipPath, "-d", dest], { stderr: "inherit" });
  if ((await child.exited) !== 0) throw new Error("unzip failed");
  return { ms: performance.now() - started, growth: 0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const tools = ["extractTo", "extractAll", "unzip"] as const;

/** One round: every tool once, back to back, each into a fresh folder. */
async function round(zipPath: string): Promise<Record<(typeof tools)[number], Sample>> {
  const samples: Partial<Record<(typeof tools)[number], Sample>> = {};
  for (const tool of tools) {
    const dest = mkdtempSync(join(tmpdir(), "plugd-bench-"));
    try {
      samples[tool] =
        tool === "unzip"
          ? await timeUnzip(zipPath, dest)
          : await timeZipArchive(tool, zipPath, dest);
    } finally {
      rmSync(dest, { recursive: true, force: true });
      // Flush this run's writes and deletions so they do not slow down the next run.
      Bun.spawnSync(["sync"]);
    }
  }
  const { extractTo, extractAll, unzip } = samples;
  if (!extractTo || !extractAll || !unzip) throw new Error("a tool did not run");
  return { extractTo, extractAll, unzip };
}

/**
 * Times the tools on one zip. Disk speed drifts between runs on shared machines, so the
 * ratio is the median of the ratios within each round, not the ratio of medians.
 */
async function compare(label: string, zipPath: string): Promise<void> {
  const rounds = [];
  for (let run = 0; run < runs; run++) rounds.push(await round(zipPath));
  const size = statSync(zipPath).size / mib;
  print(`${label} (${size.toFixed(1)} MiB zip), unzip ${msOf(rounds.map((r) => r.unzip))}`);
  for (const method of ["extractTo", "extractAll"] as const) {
    const ratio = median(rounds.map((r) => r[method].ms / r.unzip.ms));
    const growth = Math.max(...rounds.map((r) => r[method].growth)) / mib;
    print(
      `  ${method.padEnd(10)} ${msOf(rounds.map((r) => r[method]))}, ratio to unzip ` +
        `${ratio.toFixed(2)}, peak RSS growth ${growth.toFixed(1)} MiB (largest of ${runs})`,
    );
  }
}

function msOf(samples: Sample[]): string {
  return `${median(samples.map((sample) => sample.ms)).toFixed(0)} ms`;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

const [flag, method, zipArg, destArg] = process.argv.slice(2);
if (flag === "--child" && zipArg !== undefined && destArg !== undefined) {
  await extractInChild(method === "extractAll" ? "extractAll" : "extractTo", zipArg, destArg);
} else {
  const many = cachedZip("many-files.zip", buildManyFiles);
  const big = cachedZip("one-big-entry.zip", buildOneBigEntry);
  print(`median of ${runs} rounds, ${navigator.hardwareConcurrency} cores, ZipArchive vs unzip -q`);
  await compare("1000 files", many);
  await compare("one 100 MiB entry", big);
}
