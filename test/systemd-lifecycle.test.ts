// plugd as systemd runs it: readiness, watchdog pings, and a bounded stop on SIGTERM.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { neverAnswer, startFileServer } from "./support/http-fixtures.ts";
import { startNotifyReceiver } from "./support/notify-receiver.ts";
import { expectCleanStop, plugdFromSource, spawnPlugd } from "./support/plugd-process.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const work = mkdtempSync(join(tmpdir(), "plugd-systemd-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const plugdCommand = plugdFromSource;

function install(base: string, name: string, file: string): Promise<Response> {
  return fetch(`${base}/plugins/sources`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, file }),
  });
}

describe("plugd under systemd", () => {
  test("says READY=1 once it answers, pings the watchdog, and says STOPPING=1 on SIGTERM", async () => {
    await using receiver = await startNotifyReceiver("abstract");
    const home = mkdtempSync(join(work, "home-"));
    await using plugd = await spawnPlugd(plugdCommand(home), {
      NOTIFY_SOCKET: receiver.address,
      WATCHDOG_USEC: "200000",
    });
    expect(await receiver.next("READY=1")).toBe(`READY=1\nSTATUS=serving ${plugd.url}`);
    expect((await fetch(`${plugd.url}/ping`)).status).toBe(200);
    await waitFor(
      () => receiver.messages.filter((m) => m === "WATCHDOG=1").length >= 3,
      "three watchdog pings",
    );
    plugd.proc.kill("SIGTERM");
    await expectCleanStop(plugd);
    expect(await receiver.next("STOPPING=1")).toBe("STOPPING=1\nSTATUS=SIGTERM");
    expect(receiver.messages.at(-1)).toBe("STOPPING=1\nSTATUS=SIGTERM");
  });

  test("a request in flight at SIGTERM is answered while new connections are refused, then plugd exits 0", async () => {
    await using receiver = await startNotifyReceiver("abstract");
    const home = mkdtempSync(join(work, "home-"));
    const { promise: released, resolve: release } = Promise.withResolvers<void>();
    const zip = nativePluginZip({ type: "sources", name: "slow" });
    await using files = startFileServer({
      "/slow.zip": async () => {
        await released;
        return new Response(zip);
      },
    });
    await using plugd = await spawnPlugd(plugdCommand(home), { NOTIFY_SOCKET: receiver.address });
    const answer = install(plugd.url, "slow", files.url("/slow.zip"));
    await waitFor(() => files.hits("/slow.zip") === 1, "the download to begin");
    plugd.proc.kill("SIGTERM");
    await receiver.next("STOPPING=1");
    await expect(fetch(`${plugd.url}/ping`)).rejects.toThrow();
    release();
    const res = await answer;
    expect([res.status, await res.text()]).toEqual([201, "sources plugin slow is created"]);
    await expectCleanStop(plugd);
    const messages = plugd.logs().map((l) => l.msg);
    expect(messages.indexOf("create of sources plugin slow done")).toBeLessThan(
      messages.indexOf("plugd stopped"),
    );
  });

  test("a request still running at --stop-timeout is cut off, plugd exits 0, and the next start rolls it back", async () => {
    const home = mkdtempSync(join(work, "home-"));
    await using files = startFileServer({ "/hang.zip": neverAnswer() });
    const command = plugdCommand(home, "--stop-timeout", "300ms");
    {
      await using plugd = await spawnPlugd(command);
      const answer = install(plugd.url, "hang", files.url("/hang.zip")).catch((err: Error) => err);
      await waitFor(() => files.hits("/hang.zip") === 1, "the download to begin");
      const signalled = performance.now();
      plugd.proc.kill("SIGTERM");
      await expectCleanStop(plugd);
      expect(performance.now() - signalled).toBeLessThan(5_000);
      expect(await answer).toBeInstanceOf(Error);
      const cutOff = plugd.logs().find((l) => l.level === "warn");
      expect(cutOff).toMatchObject({
        module: "main",
        msg: "requests still in flight at the stop timeout; closing their connections",
        timeoutMs: 300,
        changesInProgress: 1,
      });
    }
    await using again = await spawnPlugd(command);
    expect(again.logs().map((l) => l.msg)).toContain(
      "interrupted create of sources plugin hang rolled back",
    );
    expect(await (await fetch(`${again.url}/plugins/sources`)).json()).toEqual([]);
  });

  test("a --stop-timeout that is not a duration stops the start with a JSON error line and status 2", async () => {
    const proc = Bun.spawn(plugdCommand(work, "--stop-timeout", "soon"), { stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(JSON.parse(await new Response(proc.stderr).text())).toEqual({
      level: "error",
      module: "main",
      msg: "plugd cannot start: --stop-timeout must be a duration such as 10s, not soon",
    });
  });
});
