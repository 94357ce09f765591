// plugd writes its log lines straight to fd 1 and 2: a reader of them that goes away (a
// journald restarted, a pipe closed) costs the lines, never the process or its answers.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plugdFromSource } from "./support/plugd-process.ts";
import { waitFor } from "./support/wait.ts";

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/**
 * Reads `stream` until a line says where plugd listens; returns its URL, the reader, and
 * `more()`, which reads on (to the stream's end) into `text()`.
 */
async function listeningUrl(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const more = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  };
  for (;;) {
    const url = /"msg":"plugd is listening".*?"url":"([^"]+)"/.exec(text)?.[1];
    if (url !== undefined) return { url, reader, more, text: () => text };
    const { value, done } = await reader.read();
    if (done) throw new Error(`plugd ended its output before listening:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
}

function startPlugd(home: string) {
  return Bun.spawn(plugdFromSource(home), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
}

test("plugd serves on and stops cleanly after the readers of its stdout and stderr have gone", async () => {
  const home = mkdtempSync(join(tmpdir(), "plugd-log-output-"));
  homes.push(home);
  const proc = startPlugd(home);
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

test("a reader that stops reading costs the lines past plugd's bounded queue, and is told how many", async () => {
  const home = mkdtempSync(join(tmpdir(), "plugd-log-output-"));
  homes.push(home);
  const proc = startPlugd(home);
  try {
    const out = await listeningUrl(proc.stdout);
    // Nothing reads stdout now. Each refused request logs a line of about 6 KB (its path twice):
    // 400 of them are more than the pipe and the queue's bound together.
    const flood = (i: number) =>
      `${out.url}/flood-${String(i).padStart(4, "0")}-${"x".repeat(3000)}`;
    const requests = 400;
    for (let i = 0; i < requests; i += 8) {
      const batch = Array.from({ length: 8 }, (_, k) => fetch(flood(i + k)).then((r) => r.status));
      expect(await Promise.all(batch)).toEqual(Array(8).fill(404));
    }
    expect((await fetch(`${out.url}/ping`)).status).toBe(200);
    // Reading again drains the queue; the next line written says how many were dropped.
    const reading = out.more();
    let trigger = 0;
    const note = () => /"msg":"(\d+) log lines were dropped/.exec(out.text())?.[1];
    await waitFor(async () => {
      await fetch(`${out.url}/after-${trigger++}`);
      return note() !== undefined;
    }, "the note of dropped lines");
    const dropped = Number(note());
    const lines = out
      .text()
      .split("\n")
      .filter((line) => line !== "");
    const parsed = lines.map((line) => JSON.parse(line) as { msg: string });
    const flooded = parsed.filter((line) => line.msg.includes("/flood-")).length;
    expect(dropped).toBeGreaterThan(0);
    expect(flooded).toBeLessThan(requests);
    // Every flood line was either written whole or counted; the count may include triggers.
    expect(flooded + dropped).toBeGreaterThanOrEqual(requests);
    expect(flooded + dropped).toBeLessThanOrEqual(requests + trigger);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await reading;
  } finally {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    await proc.exited;
  }
});
