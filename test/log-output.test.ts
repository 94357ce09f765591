// plugd writes its log lines straight to fd 1 and 2: a reader of them that goes away (a
// journald restarted, a pipe closed) costs the lines, never the process or its answers.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plugdFromSource } from "./support/plugd-process.ts";

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** Reads `stream` until a line says where plugd listens; returns its URL and the reader. */
async function listeningUrl(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const url = /"msg":"plugd is listening".*?"url":"([^"]+)"/.exec(text)?.[1];
    if (url !== undefined) return { url, reader };
    const { value, done } = await reader.read();
    if (done) throw new Error(`plugd ended its output before listening:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
}

test("plugd serves on and stops cleanly after the readers of its stdout and stderr have gone", async () => {
  const home = mkdtempSync(join(tmpdir(), "plugd-log-output-"));
  homes.push(home);
  const proc = Bun.spawn(plugdFromSource(home), {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const { url, reader } = await listeningUrl(proc.stdout);
    // Both pipes closed on the reading side: every line from now on meets EPIPE.
    await reader.cancel();
    await proc.stderr.cancel();
    // Each refusal is logged: the lines meet the closed pipe. (Before plugd wrote through
    // Bun's native writers, the first one ended it with an uncaught EPIPE.)
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${url}/no/such/route/${i}`)).status).toBe(404);
    }
    const refused = await fetch(`${url}/plugins/sources`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bad name", file: "file:///nowhere.zip" }),
    });
    expect(refused.status).toBe(400);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    await proc.exited;
  }
});
