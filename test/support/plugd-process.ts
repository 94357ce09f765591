// Runs plugd as a real process (from source or a compiled binary) and finds its URL in its log.
import { expect } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { waitFor } from "./wait.ts";

/** One complete line plugd printed, with the stream it came on. */
export interface PrintedLine {
  stream: "stdout" | "stderr";
  text: string;
}

export interface PlugdProcess extends AsyncDisposable {
  readonly url: string;
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** The complete lines printed so far on both streams, in the order they came. */
  lines(): PrintedLine[];
  /** The JSON log lines printed so far (info on stdout, warn and error on stderr), parsed. */
  logs(): Record<string, unknown>[];
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number>;
}

/** Starts `command` (which must serve on port 0) and waits for its "plugd is listening" line. */
export async function spawnPlugd(
  command: string[],
  env: Record<string, string> = {},
): Promise<PlugdProcess> {
  const proc = Bun.spawn(command, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  let text = "";
  const lines: PrintedLine[] = [];
  const pump = async (stream: PrintedLine["stream"], from: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of from) {
      const piece = decoder.decode(chunk, { stream: true });
      text += piece;
      const complete = (partial + piece).split("\n");
      partial = complete.pop() ?? "";
      for (const line of complete) lines.push({ stream, text: line });
    }
    if (partial !== "") lines.push({ stream, text: partial });
  };
  const pumped = Promise.all([pump("stdout", proc.stdout), pump("stderr", proc.stderr)]);
  const listening = () => /"msg":"plugd is listening".*?"url":"([^"]+)"/.exec(text)?.[1];
  await waitFor(() => listening() !== undefined || proc.exitCode !== null, "plugd to listen");
  const url = listening();
  if (url === undefined)
    throw new Error(`plugd exited with ${proc.exitCode} before listening:\n${text}`);
  const exited = async () => {
    const code = await proc.exited;
    await pumped;
    return code;
  };
  return {
    url,
    proc,
    output: () => text,
    lines: () => [...lines],
    logs: () => lines.filter((line) => line.text !== "").map((line) => parseLogLine(line.text)),
    exited,
    [Symbol.asyncDispose]: async () => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      await exited();
    },
  };
}

/** A JSON log line, parsed; anything else (a stack trace, say) fails the test, naming it. */
function parseLogLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`plugd printed a line that is not a JSON log line: ${text}`);
  }
}

/**
 * Waits for the end of a process sent SIGTERM and asserts it stopped cleanly: exit code 0,
 * only JSON warnings on stderr (no error, no stack trace), the stop announced and the last
 * line "plugd stopped".
 */
export async function expectCleanStop(plugd: PlugdProcess): Promise<void> {
  expect(await plugd.exited()).toBe(0);
  const onStderr = plugd.lines().filter((line) => line.stream === "stderr" && line.text !== "");
  // parseLogLine fails the test on a stack trace; a warning is fine, an error is not.
  const levels = onStderr.map((line) => parseLogLine(line.text).level);
  expect(levels.filter((level) => level !== "warn")).toEqual([]);
  const logs = plugd.logs();
  expect(logs.find((line) => line.msg === "plugd is stopping")).toMatchObject({
    module: "main",
    reason: "SIGTERM",
    exitCode: 0,
  });
  expect(logs.at(-1)).toMatchObject({ module: "main", msg: "plugd stopped", exitCode: 0 });
}

/** The arguments of `plugd serve` for `home` on 127.0.0.1:`port`. */
export function serveArgs(home: string, port: number | string): string[] {
  return ["serve", "--home", home, "--host", "127.0.0.1", "--port", String(port)];
}

/** The command that serves `home` from source on 127.0.0.1, port 0, with `flags` after. */
export function plugdFromSource(home: string, ...flags: string[]): string[] {
  const main = join(import.meta.dir, "..", "..", "src", "main.ts");
  return [process.execPath, main, ...serveArgs(home, 0), ...flags];
}
