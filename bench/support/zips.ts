// Benchmark inputs: deterministic zips of many files or one large entry, cached on disk.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, type Zippable, zipSync } from "fflate";

const cacheDir = join(import.meta.dir, "..", "..", ".bench-cache", "zips");
const mib = 1024 * 1024;

/** Deterministic pseudo-random bytes, so the cached zips are the same on every machine. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** Log-like text: repetitive words and changing numbers, compressing about 5 to 1. */
export function text(length: number, seed: number): Uint8Array {
  const words = ["rule", "stream", "sink", "source", "plugin", "ok", "error", "timeout", "edge"];
  const noise = randomBytes(length / 8 + 16, seed);
  const lines: string[] = [];
  for (let size = 0, index = 0; size < length; index++) {
    const word = words[(noise[index % noise.length] ?? 0) % words.length] ?? "x";
    const line = `2024-05-0${index % 9} ${word} id=${(noise[index % noise.length] ?? 0) * index} ${word}\n`;
    lines.push(line);
    size += line.length;
  }
  return strToU8(lines.join("").slice(0, length));
}

/**
 * About 50 MB in 1,000 files, a third incompressible, the rest log-like text; `extra` entries
 * (a plugin's .so, say) are added, and `prefix` is put in front of every generated name.
 */
export function buildManyFiles(prefix = "plugin/", extra: Zippable = {}): Uint8Array {
  const files: Zippable = { ...extra };
  for (let index = 0; index < 1000; index++) {
    const size = index % 10 === 0 ? 400_000 + (index % 7) * 120_000 : 4_000 + (index % 13) * 5_000;
    const content = index % 3 === 0 ? randomBytes(size, index + 1) : text(size, index + 1);
    files[`${prefix}part${index % 20}/file${index}.${index % 3 === 0 ? "bin" : "txt"}`] = content;
  }
  return zipSync(files, { level: 6 });
}

/** One 100 MiB entry named `name` (incompressible and text parts), plus `extra` entries. */
export function buildOneBigEntry(name = "lib/plugin.so", extra: Zippable = {}): Uint8Array {
  const joined = new Uint8Array(100 * mib);
  for (let index = 0; index < 100; index++) {
    const part = index % 4 === 0 ? randomBytes(mib, index + 7) : text(mib, index + 7);
    joined.set(part, index * mib);
  }
  return zipSync({ ...extra, [name]: joined }, { level: 6 });
}

/** The path of `name` in the benchmark cache, built by `build` the first time. */
export function cachedZip(name: string, build: () => Uint8Array): string {
  const path = join(cacheDir, name);
  if (!existsSync(path)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path, build());
  }
  return path;
}
