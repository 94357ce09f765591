// Builds the single-file binaries into dist/: plugd-linux-{x64,arm64}[-musl] (all four by default).
// Cross-compiling needs the target's Bun runtime; it comes from the npm registry (the same
// @oven/bun-* packages that the `bun` dev dependency installs for the host), cached in .build-cache/.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleUi, gzippedBytes } from "../src/ui/bundle.ts";
import { recordBytecodeOrder } from "./bytecode-order.ts";

interface Target {
  /** The suffix of dist/plugd-<name>. */
  name: string;
  /** Bun's --target. */
  bunTarget: string;
  /** The npm package holding that target's Bun runtime. */
  runtimePackage: string;
}

const targets: Record<string, Target> = {
  "linux-x64": {
    name: "linux-x64",
    bunTarget: "bun-linux-x64",
    runtimePackage: "@oven/bun-linux-x64",
  },
  "linux-arm64": {
    name: "linux-arm64",
    bunTarget: "bun-linux-arm64",
    runtimePackage: "@oven/bun-linux-aarch64",
  },
  "linux-x64-musl": {
    name: "linux-x64-musl",
    bunTarget: "bun-linux-x64-musl",
    runtimePackage: "@oven/bun-linux-x64-musl",
  },
  "linux-arm64-musl": {
    name: "linux-arm64-musl",
    bunTarget: "bun-linux-arm64-musl",
    runtimePackage: "@oven/bun-linux-aarch64-musl",
  },
};

const root = resolve(import.meta.dir, "..");
const cache = join(root, ".build-cache");

async function run(cmd: string[], cwd = root): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}):\n${err}${out}`);
  return out.trim();
}

/** The path of the target's Bun runtime, fetched once from the npm registry. */
async function runtimeFor(target: Target): Promise<string> {
  const dir = join(cache, `${target.name}-${Bun.version}`);
  const binary = join(dir, "package", "bin", "bun");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  await run(["npm", "pack", "--silent", `${target.runtimePackage}@${Bun.version}`], dir);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack of ${target.runtimePackage} produced no tarball`);
  await run(["tar", "-xzf", tarball], dir);
  if (!existsSync(binary)) throw new Error(`${target.runtimePackage} holds no bin/bun`);
  return binary;
}

function isHost(target: Target): boolean {
  return target.name === `${process.platform}-${process.arch}`;
}

export interface BuildOptions {
  /** Default plugd's src/main.ts; benchmarks build their own programs the same way. */
  entry?: string;
  /** A profile from recordBytecodeOrder(): the bytecode a start uses is laid out together. */
  bytecodeOrder?: string | undefined;
}

/** Compiles plugd (or `options.entry`) for `target` into `outfile`. */
export async function buildTarget(
  target: Target,
  outfile: string,
  commit: string,
  options: BuildOptions = {},
): Promise<void> {
  const cmd = [
    process.execPath,
    "build",
    "--compile",
    "--minify",
    "--bytecode",
    // Each dynamic import() becomes a chunk of its own in the binary, read only when imported:
    // code a start does not run (installs, MQTT, OpenAPI, the CLI) costs no memory until used.
    "--splitting",
    "--format=esm",
    // A service must not pick up a .env or bunfig.toml from its working directory (the home).
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    // Start-up code runs once, so it stays in the interpreter; main.ts restores the normal
    // policy once plugd serves. Saves about a quarter of the start's CPU time and 4-5 MiB.
    "--compile-jit-policy=100",
    `--target=${target.bunTarget}`,
    `--define=PLUGD_COMMIT=${JSON.stringify(commit)}`,
    `--define=PLUGD_TARGET=${JSON.stringify(target.bunTarget)}`,
    `--outfile=${outfile}`,
  ];
  if (options.bytecodeOrder) cmd.push(`--bytecode-order=${options.bytecodeOrder}`);
  if (!isHost(target)) cmd.push(`--compile-executable-path=${await runtimeFor(target)}`);
  cmd.push(options.entry ?? join(root, "src", "main.ts"));
  await run(cmd);
}

async function gitCommit(): Promise<string> {
  try {
    return await run(["git", "rev-parse", "--short=12", "HEAD"]);
  } catch {
    return "unknown";
  }
}

/**
 * Builds plugd for this machine and records the bytecode order of one start with it (see
 * scripts/bytecode-order.ts); one profile serves every target. Undefined, with a warning, on a
 * machine that cannot run a linux-x64 or linux-arm64 build.
 */
export async function bytecodeOrderProfile(commit: string): Promise<string | undefined> {
  const host = targets[`${process.platform}-${process.arch}`];
  if (!host) {
    console.warn(
      `no bytecode order profile: ${process.platform}-${process.arch} cannot run a build`,
    );
    return undefined;
  }
  const dir = join(cache, "bytecode-order");
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, "plugd");
  const profile = join(dir, "plugd.order");
  await buildTarget(host, binary, commit);
  await recordBytecodeOrder(binary, profile);
  return profile;
}

/** The console page must stay small for a phone on a gateway's LAN: 150 KiB gzipped at most. */
const uiBudgetBytes = 150 * 1024;

/** Bundles the console as the binary will embed it and fails the build when it is over budget. */
export async function checkUiBudget(): Promise<number> {
  const bytes = gzippedBytes(await bundleUi());
  if (bytes > uiBudgetBytes) {
    throw new Error(
      `the console is ${(bytes / 1024).toFixed(1)} KiB gzipped, over its ${uiBudgetBytes / 1024} KiB budget`,
    );
  }
  console.log(
    `console: ${(bytes / 1024).toFixed(1)} KiB gzipped (budget ${uiBudgetBytes / 1024} KiB)`,
  );
  return bytes;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(targets);
  const unknown = names.filter((name) => !targets[name]);
  if (unknown.length > 0) {
    throw new Error(
      `unknown target ${unknown.join(", ")}; known: ${Object.keys(targets).join(", ")}`,
    );
  }
  await checkUiBudget();
  const commit = await gitCommit();
  mkdirSync(join(root, "dist"), { recursive: true });
  const bytecodeOrder = await bytecodeOrderProfile(commit);
  for (const name of names) {
    const target = targets[name];
    if (!target) continue;
    const outfile = join(root, "dist", `plugd-${name}`);
    const started = performance.now();
    await buildTarget(target, outfile, commit, { bytecodeOrder });
    const size = Bun.file(outfile).size / 1024 / 1024;
    console.log(
      `built ${outfile} (${size.toFixed(1)} MiB) in ${Math.round(performance.now() - started)} ms`,
    );
  }
}

if (import.meta.main) await main();
