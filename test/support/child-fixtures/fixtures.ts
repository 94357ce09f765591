// Helpers for tests that run the child fixtures: commands, waiting for output, temporary dirs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutputBuffer, OutputLine } from "../../../src/supervisor/output-buffer.ts";
import { waitFor } from "../wait.ts";

export type FixtureName = "forever" | "exit-3" | "crash" | "ignore-term" | "grandchild";

/** The command that runs a fixture with the Bun running the tests. */
export function fixtureCommand(name: FixtureName): string[] {
  return [process.execPath, join(import.meta.dir, `${name}-fixture.ts`)];
}

/** The directory holding the fixtures, a fine working directory for them. */
export const fixturesDir = import.meta.dir;

/**
 * Resolves with the first line, held or new, that `matches`; rejects after `timeoutMs`.
 * New lines are heard as they come, so one is not missed when the ring moves on.
 */
export async function waitForLine(
  output: OutputBuffer,
  matches: (line: OutputLine) => boolean,
  timeoutMs = 10_000,
): Promise<OutputLine> {
  let found = output.tail(output.capacity).find(matches);
  const unsubscribe = output.subscribe((line) => {
    if (found === undefined && matches(line)) found = line;
  });
  try {
    await waitFor(() => found !== undefined, "a matching output line", timeoutMs);
  } finally {
    unsubscribe();
  }
  if (found === undefined) throw new Error("no matching output line");
  return found;
}

/** A temporary directory removed when the test's `await using` scope ends. */
export async function temporaryDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), "plugd-supervisor-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
