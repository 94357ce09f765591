// SourceHub with a real portable test plugin: shared starts, a slow client ended alone, restarts.
import { describe, expect, test } from "bun:test";
import { fixtureHarness } from "../../test/support/portable-plugins/plugin-harness.ts";
import { waitFor } from "../../test/support/wait.ts";
import { createLogger } from "../log/logger.ts";
import type { StreamEvent, Subscriber } from "./session.ts";
import { SessionIds } from "./session-ids.ts";
import { SourceHub } from "./source-hub.ts";

const SLOW = { timeout: 20_000 };

/** A client that keeps what it is told; `room` pushes are taken before its queue is full. */
function client(room = Number.POSITIVE_INFINITY) {
  const events: StreamEvent[] = [];
  let ended: string | undefined;
  const subscriber: Subscriber = {
    client: "test",
    push(event) {
      if (events.length >= room) return false;
      events.push(event);
      return true;
    },
    end(reason) {
      ended = reason;
    },
  };
  return {
    subscriber,
    events,
    messages: () => events.filter((e) => e.kind === "message").length,
    ended: () => ended,
  };
}

async function hubAndPlugin() {
  const hub = new SourceHub(createLogger({ level: "error" }), new SessionIds());
  const h = await fixtureHarness(
    { behaviour: { sourceIntervalMs: 10 } },
    {
      onSourceData: (_symbol, meta, data, bytes) => hub.deliver(h.name, meta, data, bytes),
      onRestarted: () => hub.restarted(h.name),
    },
  );
  await h.plugin.start();
  const request = { plugin: h.plugin, source: "random", dataSource: "", properties: {} };
  return { hub, h, request };
}

describe("SourceHub", () => {
  test(
    "ends a client whose queue is full without stopping the others' shared start",
    async () => {
      const { hub, h, request } = await hubAndPlugin();
      await using _ = h;
      const fast = client();
      const slow = client(2);
      const leaveFast = await hub.subscribe(request, fast.subscriber);
      await hub.subscribe(request, slow.subscriber);
      expect(hub.sessions(h.name)).toHaveLength(1);
      await waitFor(() => slow.ended() !== undefined, "the slow client to be ended");
      expect(slow.ended()).toBe("this client fell behind: its queue was full");
      const seen = fast.messages();
      await waitFor(() => fast.messages() > seen + 3, "more messages for the fast client");
      expect(hub.sessions(h.name)[0]?.clients).toEqual(["test"]);
      await leaveFast();
      expect(hub.sessions(h.name)).toEqual([]);
      expect(h.plugin.status().refCount).toEqual({});
    },
    SLOW,
  );

  test(
    "a plugin killed with -9 mid-stream comes back with a restart event and the stream goes on",
    async () => {
      const { hub, h, request } = await hubAndPlugin();
      await using _ = h;
      const c = client();
      await hub.subscribe(request, c.subscriber);
      await waitFor(() => c.messages() > 2, "messages before the kill");
      process.kill(h.plugin.status().pid, "SIGKILL");
      await waitFor(() => c.events.some((e) => e.kind === "restart"), "the restart event");
      const at = c.events.findIndex((e) => e.kind === "restart");
      await waitFor(
        () => c.events.slice(at).filter((e) => e.kind === "message").length > 2,
        "messages after the restart",
      );
      expect(c.ended()).toBeUndefined();
    },
    SLOW,
  );
});
