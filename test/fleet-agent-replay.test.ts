// Replay protection: a signed desired state published again after a newer one is refused, across restarts.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "../src/fleet/agent/signature.ts";
import {
  exportDocument,
  type SeenStatus,
  signEnvelope,
  startGateway,
  watchFleet,
} from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const topic = "plugd/groups/lab/desired";

describe.skipIf(!hasMosquitto)("fleet agent replay protection", () => {
  test("an older signed state published again is refused as a replay, also after a restart", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
      "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    await using fleet = await watchFleet(broker.url);
    const keys = await generateKeyPair();
    const fleetLines = [`  publicKey: ${JSON.stringify(keys.publicPem)}`];
    const home = mkdtempSync(join(tmpdir(), "plugd-gw-replay-"));
    try {
      await using gw = await startGateway({
        broker: broker.url,
        id: "gw-p",
        fleet: fleetLines,
        home,
      });
      const a = exportDocument({ sinks_file: files.url("/file.zip") });
      const b = exportDocument({ sources_random: files.url("/random.zip") });
      const signedA = await signEnvelope(keys.privatePem, {
        document: a,
        issued: "2026-12-04T01:00:00.000Z",
      });
      const signedB = await signEnvelope(keys.privatePem, {
        document: b,
        issued: "2026-12-04T02:00:00.000Z",
      });
      await fleet.publish(topic, signedA);
      await fleet.until(["gw-p"], (s) => s.appliedSha256 === sha256(a), "A applied");
      await fleet.publish(topic, signedB);
      await fleet.until(["gw-p"], (s) => s.appliedSha256 === sha256(b), "B applied");
      await fleet.publish(topic, signedA);
      // Online, having read A again (a restarted gateway first says its stored last apply).
      const replayed = (s: SeenStatus) =>
        s.online &&
        s.desiredSha256 === sha256(a) &&
        s.lastApply?.error?.startsWith("refused as a replay") === true;
      await fleet.until(["gw-p"], replayed, "A's replay refused");
      const expected = {
        state: "failed",
        appliedSha256: sha256(b),
        desiredSha256: sha256(a),
        lastApply: {
          state: "failed",
          sha256: sha256(a),
          error:
            "refused as a replay: issued 2026-12-04T01:00:00.000Z, not after the desired state " +
            `last accepted (sha256 ${sha256(b).slice(0, 12)}…, issued 2026-12-04T02:00:00.000Z); ` +
            "to go back to an older document, publish it again (plugd fleet publish --sign gives it a new issue time)",
        },
      };
      expect(fleet.statuses.get("gw-p")).toMatchObject(expected);
      const refused = fleet.events.filter((e) => e.type === "refused");
      expect(refused).toEqual([
        {
          type: "refused",
          gatewayId: "gw-p",
          at: expect.any(String),
          sha256: sha256(a),
          message: expected.lastApply.error,
        },
      ] as never);
      expect(await gw.get("/plugins/sinks")).toEqual([]);
      expect(await gw.get("/plugins/sources")).toEqual(["random"]);
      // Restarted with A's replay still retained: the newest accepted issue time was stored.
      expect(await gw.stop()).toBe(0);
      await fleet.until(["gw-p"], (s) => !s.online, "the gateway to say it is offline");
      await using back = await startGateway({
        broker: broker.url,
        id: "gw-p",
        fleet: fleetLines,
        home,
      });
      await waitFor(
        () => refused.length < fleet.events.filter((e) => e.type === "refused").length,
        "the replay refused after the restart",
      );
      await fleet.until(["gw-p"], replayed, "the restarted gateway to report the replay");
      expect(fleet.statuses.get("gw-p")).toMatchObject(expected);
      expect(await back.get("/plugins/sinks")).toEqual([]);
      expect(await back.get("/plugins/sources")).toEqual(["random"]);
      expect(await back.get("/fleet")).toMatchObject(expected);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  test("a replay of the applied document, after a newer state was deferred, is refused too", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    await using fleet = await watchFleet(broker.url);
    const keys = await generateKeyPair();
    const fleetLines = [`  publicKey: ${JSON.stringify(keys.publicPem)}`];
    await using gw = await startGateway({ broker: broker.url, id: "gw-d", fleet: fleetLines });
    const a = exportDocument({ sinks_file: files.url("/file.zip") });
    const b = exportDocument({});
    const signedA = await signEnvelope(keys.privatePem, {
      document: a,
      issued: "2026-12-04T01:00:00.000Z",
    });
    await fleet.publish(topic, signedA);
    await fleet.until(["gw-d"], (s) => s.appliedSha256 === sha256(a), "A applied");
    const staged = { document: b, issued: "2026-12-04T02:00:00.000Z", rollout: ["gw-other"] };
    await fleet.publish(topic, await signEnvelope(keys.privatePem, staged));
    await fleet.until(["gw-d"], (s) => s.state === "deferred", "B deferred");
    await fleet.publish(topic, signedA);
    await fleet.until(
      ["gw-d"],
      (s) => s.state === "failed" && s.lastApply?.error?.startsWith("refused as a replay") === true,
      "A's replay refused, though A is what is applied",
    );
    expect(fleet.statuses.get("gw-d")).toMatchObject({
      appliedSha256: sha256(a),
      lastApply: { state: "failed", sha256: sha256(a) },
    });
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
  }, 60_000);
});
