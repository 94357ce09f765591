// Helpers for tests that run the child fixtures: commands, waiting for output, temporary dirs.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutputBuffer, OutputLine } from "../../../src/supervisor/output-buffer.ts";

export type FixtureName = "forever" | "exit-3" | "crash" | "ignore-term" | "grandchild";

/** The command that runs a fixture with the Bun running the tests. */
export function fixtureCommand(name: FixtureName): string[] {
  return [process.execPath, join(import.meta.dir, `${name}-fixture.ts`)];
}

/** The directory holding the fixtures, a fine working directory for them. */
export const fixturesDir = import.meta.dir;

/** Resolves with the first line, held or new, that `matches`; rejects after `timeoutMs`. */
export function waitForLine(
  output: OutputBuffer,
  matches: (line: OutputLine) => boolean,
  timeoutMs = 10_000,
): Promise<OutputLine> {
  const held = output.tail(output.capacity).find(matches);
  if (held !== undefined) return Promise.resolve(held);
  const { promise, resolve, reject } = Promise.withResolvers<OutputLine>();
  const timer = setTimeout(() => reject(new Error("no matching output line in time")), timeoutMs);
  const unsubscribe = output.subscribe((line) => {
    if (!matches(line)) return;
    clearTimeout(timer);
    unsubscribe();
    resolve(line);
  });
  return promise;
}

export { waitFor } from "../wait.ts";

/** A temporary directory removed when the test's `await using` scope ends. */
export async function temporaryDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), "plugd-supervisor-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
