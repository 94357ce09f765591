// The fleet agent through roll-outs, a broker that dies mid-apply, and gateways that were away.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rolloutBucket } from "../src/fleet/agent/rollout.ts";
import { exportDocument, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const fileZip = nativePluginZip({ type: "sinks", name: "file" });
const randomZip = nativePluginZip({ type: "sources", name: "random" });

/** A zip route that answers only once `open()` is called. */
function gatedZip(zip: Uint8Array) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  // Only the download itself waits: plugd's first request for the zip's end is answered at once.
  const route = async (req: Request) => {
    if (!req.headers.has("range")) await gate;
    return new Response(zip);
  };
  return { route, open: () => open() };
}

describe.skipIf(!hasMosquitto)("fleet agent resilience", () => {
  test("a 50% roll-out applies on exactly the gateways whose bucket is below 50; the others defer", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({ "/file.zip": fileZip });
    await using fleet = await watchFleet(broker.url);
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    const candidates = Array.from({ length: 40 }, (_, i) => `gw-r${i}`);
    const inside = candidates.filter((id) => rolloutBucket(id, sha256(doc)) < 50).slice(0, 2);
    const outside = candidates.filter((id) => rolloutBucket(id, sha256(doc)) >= 50).slice(0, 2);
    const ids = [...inside, ...outside];
    const gateways = await Promise.all(ids.map((id) => startGateway({ broker: broker.url, id })));
    try {
      await fleet.publish(
        "plugd/groups/lab/desired",
        JSON.stringify({ document: doc, rollout: "50%" }),
      );
      await fleet.until(
        ids,
        (s) => s.state === "applied" || s.state === "deferred",
        "every gateway decided",
      );
      const applied = ids.filter((id) => fleet.statuses.get(id)?.state === "applied");
      expect(applied.sort()).toEqual([...inside].sort());
      for (const gw of gateways) {
        expect(await gw.get("/plugins/sinks")).toEqual(inside.includes(gw.id) ? ["file"] : []);
      }
      const deferred = fleet.events.filter((e) => e.type === "deferred").map((e) => e.gatewayId);
      expect(deferred.sort()).toEqual([...outside].sort());
    } finally {
      await Promise.all(gateways.map((gw) => gw[Symbol.asyncDispose]()));
    }
  }, 120_000);

  test("a desired state published during an apply is applied after it, never alongside", async () => {
    await using broker = await startMosquitto();
    const slow = gatedZip(randomZip);
    await using files = startFileServer({ "/file.zip": fileZip, "/random.zip": slow.route });
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: broker.url, id: "gw-q" });
    const first = exportDocument({ sources_random: files.url("/random.zip") });
    const second = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", first);
    const planned = (s: { state: string; applyingPlan?: unknown }) =>
      s.state === "applying" && JSON.stringify(s.applyingPlan).includes("pending");
    await fleet.until(["gw-q"], planned, "the first apply to start, with its plan");
    expect(fleet.statuses.get("gw-q")?.applyingPlan).toEqual([
      { key: "sources_random", action: "install", result: "pending" },
    ]);
    await waitFor(() => files.downloads("/random.zip") === 1, "the slow download to start");
    await fleet.publish("plugd/groups/lab/desired", second);
    slow.open();
    await fleet.until(
      ["gw-q"],
      (s) => s.appliedSha256 === sha256(second),
      "the second set applied",
    );
    const changes = fleet.events.map((e) => `${e.type} ${e.plugin}`);
    expect(changes).toEqual([
      "installed sources_random",
      "installed sinks_file",
      "removed sources_random",
    ]);
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
  }, 120_000);

  test("the broker killed mid-apply: the apply completes, the REST API serves, and the fleet converges once it is back", async () => {
    await using broker = await startMosquitto();
    const slow = gatedZip(fileZip);
    await using files = startFileServer({ "/file.zip": slow.route });
    await using fleet = await watchFleet(broker.url);
    const ids = ["gw-k1", "gw-k2"];
    await using one = await startGateway({ broker: broker.url, id: "gw-k1" });
    await using two = await startGateway({ broker: broker.url, id: "gw-k2" });
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(ids, (s) => s.state === "applying", "both applying");
    await waitFor(() => files.downloads("/file.zip") === 2, "both downloads to start");
    await broker.kill();
    slow.open();
    for (const gw of [one, two]) {
      await waitFor(async () => {
        const report = (await gw.get("/fleet")) as { state: string; connection: string };
        return report.state === "applied" && report.connection !== "connected";
      }, `${gw.id} to apply while the broker is down`);
      expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
    }
    await broker.start();
    // The broker kept no retained messages (no persistence); the operator's retained state returns.
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(
      ids,
      (s) => s.online && s.appliedSha256 === sha256(doc) && s.state === "applied",
      "reports after the restart",
    );
    for (const gw of [one, two]) {
      expect(await gw.get("/fleet")).toMatchObject({
        connection: "connected",
        appliedSha256: sha256(doc),
      });
    }
    expect(files.downloads("/file.zip")).toBe(2);
  }, 120_000);

  test("a gateway away during a change converges when it is back, and a restart does not apply it again", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({ "/file.zip": fileZip, "/random.zip": randomZip });
    await using fleet = await watchFleet(broker.url);
    const home = mkdtempSync(join(tmpdir(), "plugd-gw-away-"));
    try {
      const first = exportDocument({ sinks_file: files.url("/file.zip") });
      const gw = await startGateway({ broker: broker.url, id: "gw-away", home });
      await fleet.publish("plugd/groups/lab/desired", first);
      await fleet.until(
        ["gw-away"],
        (s) => s.appliedSha256 === sha256(first),
        "the first set applied",
      );
      expect(await gw.stop()).toBe(0);
      await fleet.until(["gw-away"], (s) => !s.online, "the gateway to say it is offline");
      const second = exportDocument({ sources_random: files.url("/random.zip") });
      await fleet.publish("plugd/groups/lab/desired", second);
      await using back = await startGateway({ broker: broker.url, id: "gw-away", home });
      await fleet.until(
        ["gw-away"],
        (s) => s.online && s.appliedSha256 === sha256(second),
        "the second set applied",
      );
      expect(await back.get("/plugins/sources")).toEqual(["random"]);
      expect(await back.stop()).toBe(0);
      await fleet.until(["gw-away"], (s) => !s.online, "offline again");
      await using again = await startGateway({ broker: broker.url, id: "gw-away", home });
      await fleet.until(["gw-away"], (s) => s.online && s.state === "applied", "back, applied");
      // The retained desired state has been read again (a fresh process knows no desired sha).
      await waitFor(
        async () =>
          ((await again.get("/fleet")) as { desiredSha256: string }).desiredSha256 ===
          sha256(second),
        "the retained state to be read",
      );
      expect(files.downloads("/random.zip")).toBe(1);
      expect(again.plugd.logs().filter((l) => l.msg === "desired state applied")).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
