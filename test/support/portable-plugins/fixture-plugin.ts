// Test plugin folders: an executable wrapper that runs a fixture with this Bun, plus its manifest.

import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BEHAVIOUR_FILE, type FixtureBehaviour } from "./fixture-behaviour.ts";

export type FixtureKind = "ts" | "libnng";

export interface FixturePluginSpec {
  /** The plugin name: folder, manifest and socket names. */
  readonly name: string;
  /** Which test program runs (default "ts"). */
  readonly kind?: FixtureKind;
  readonly behaviour?: FixtureBehaviour;
  /** Manifest fields to change, e.g. other symbol lists. */
  readonly manifest?: Record<string, unknown>;
}

/** The name of the wrapper script in the plugin folder. */
export const FIXTURE_EXECUTABLE = "run-fixture";

const programs: Record<FixtureKind, string> = {
  ts: join(import.meta.dir, "ts-plugin-fixture.ts"),
  libnng: join(import.meta.dir, "libnng-plugin-fixture.ts"),
};

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A name no other test uses; socket paths under /tmp are shared by every test. */
export function uniquePluginName(prefix = "pt"): string {
  return `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/**
 * The files of a fixture plugin, by path inside the plugin folder (or a zip): the wrapper
 * `#!/bin/sh exec <bun> <fixture>.ts "$@"` (exec keeps the pid), `<name>.json`, and
 * `behaviour.json` when a behaviour is given. The wrapper must be made executable.
 */
export function fixturePluginFiles(spec: FixturePluginSpec): Record<string, string> {
  const program = programs[spec.kind ?? "ts"];
  const manifest = {
    name: spec.name,
    version: "1.0.0",
    language: "go",
    executable: FIXTURE_EXECUTABLE,
    sources: ["random"],
    sinks: ["file"],
    functions: ["echo"],
    ...spec.manifest,
  };
  const files: Record<string, string> = {
    [FIXTURE_EXECUTABLE]: `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(program)} "$@"\n`,
    [`${spec.name}.json`]: `${JSON.stringify(manifest, null, 2)}\n`,
  };
  if (spec.behaviour) files[BEHAVIOUR_FILE] = JSON.stringify(spec.behaviour);
  return files;
}

/** Writes the plugin into `parentDir/<name>/` (as plugins/portable/<name>/); returns that folder. */
export async function writeFixturePlugin(
  parentDir: string,
  spec: FixturePluginSpec,
): Promise<string> {
  const dir = join(parentDir, spec.name);
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(fixturePluginFiles(spec))) {
    await writeFile(join(dir, path), content);
  }
  await chmod(join(dir, FIXTURE_EXECUTABLE), 0o755);
  return dir;
}

/** A temporary plugins/portable folder, removed when the `await using` scope ends. */
export async function portableHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), "plugd-portable-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
