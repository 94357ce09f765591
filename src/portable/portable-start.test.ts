// PortablePlugin start failures and stopping, with real plugin processes that misbehave.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { waitForLine } from "../../test/support/child-fixtures/fixtures.ts";
import { fixtureHarness } from "../../test/support/portable-plugins/plugin-harness.ts";
import { isAlive } from "../../test/support/wait.ts";
import { AppError } from "../errors.ts";

/** Real processes start slowly on a loaded machine; bunfig's test timeout is not applied. */
const SLOW = { timeout: 20_000 };

async function startFailure(start: Promise<void>): Promise<AppError> {
  const err = await start.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof AppError) return err;
  throw new Error(`expected start to fail with an AppError, got ${String(err)}`);
}

describe("PortablePlugin start and stop", () => {
  test(
    "no handshake in time fails start with the last lines; nothing is left running or listening",
    async () => {
      await using h = await fixtureHarness(
        { behaviour: { neverHandshake: true } },
        { initTimeoutMs: 1500 },
      );
      const err = await startFailure(h.plugin.start());
      const pid = Number(/pid (\d+)/.exec(err.message)?.[1]);
      expect(err.status).toBe(400);
      expect(err.message).toStartWith(
        `portable plugin ${h.name} did not start: failed to start: no handshake from portable plugin ${h.name} within 1500 ms: `,
      );
      expect(err.message).toContain("connected; never sending the handshake");
      expect(isAlive(pid)).toBe(false);
      expect(h.plugin.status()).toMatchObject({ status: "stop", pid: 0 });
      expect(existsSync(`/tmp/plugin_${h.name}.ipc`)).toBe(false);
    },
    SLOW,
  );

  test(
    "a plugin exiting at once fails start with its exit code and last lines, and is not restarted",
    async () => {
      const lines = ["cannot open config", "fatal: giving up"];
      await using h = await fixtureHarness({ behaviour: { exitAtOnce: { code: 3, lines } } });
      const err = await startFailure(h.plugin.start());
      expect(err.message).toStartWith(
        `portable plugin ${h.name} did not start: exited with code 3: `,
      );
      expect(err.message).toContain("cannot open config");
      expect(err.message).toContain("fatal: giving up");
      expect(h.plugin.status()).toMatchObject({ status: "stop", pid: 0, restarts: 0 });
      expect(existsSync(`/tmp/plugin_${h.name}.ipc`)).toBe(false);
    },
    SLOW,
  );

  test(
    "a plugin ignoring SIGTERM is killed with SIGKILL after stopTimeout",
    async () => {
      await using h = await fixtureHarness(
        { behaviour: { ignoreSigterm: true } },
        { stopTimeoutMs: 300 },
      );
      await h.plugin.start();
      const pid = h.plugin.status().pid;
      const began = performance.now();
      await h.plugin.stop();
      expect(performance.now() - began).toBeGreaterThanOrEqual(290);
      await waitForLine(h.plugin.output, (l) => l.text.endsWith("ignoring SIGTERM"));
      expect(isAlive(pid)).toBe(false);
      expect(h.plugin.status()).toMatchObject({ status: "stop", pid: 0 });
    },
    SLOW,
  );

  test(
    "the plugin's output can be followed while it prints, from its first line",
    async () => {
      await using h = await fixtureHarness({ behaviour: { linesPerSecond: 50 } });
      // Subscribed before the process exists, so no line can come before the subscription.
      const seen: string[] = [];
      const unsubscribe = h.plugin.output.subscribe((line) => seen.push(line.text));
      await h.plugin.start();
      await waitForLine(h.plugin.output, (l) => l.text.endsWith("line 5"));
      unsubscribe();
      expect(seen.some((text) => text.endsWith("line 5"))).toBe(true);
      const kept = h.plugin.output.tail(10_000).map((l) => l.text);
      expect(seen).toEqual(kept.slice(0, seen.length));
      expect(seen.every((text) => text.startsWith(`[${h.name}] `))).toBe(true);
    },
    SLOW,
  );

  test(
    "a second plugin on the same control address is refused while the first listens",
    async () => {
      await using first = await fixtureHarness();
      await first.plugin.start();
      await using second = await fixtureHarness({ name: first.name });
      const err = await startFailure(second.plugin.start());
      expect(err.message).toContain(
        `cannot listen for portable plugin ${first.name} on ipc:///tmp/plugin_${first.name}.ipc`,
      );
      expect(first.plugin.status().status).toBe("running");
    },
    SLOW,
  );
});
