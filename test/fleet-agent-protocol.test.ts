// What the fleet agent says on the wire: MQTT 5 (3.1.1 to a broker that refuses 5), and one status per step.
import { describe, expect, test } from "bun:test";
import { exportDocument, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { startMqtt311Proxy } from "./support/mqtt311-proxy.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

describe.skipIf(!hasMosquitto)("fleet agent protocol versions", () => {
  test("a broker that refuses MQTT 5 gets MQTT 3.1.1, and the gateway joins and applies", async () => {
    await using broker = await startMosquitto();
    await using proxy = startMqtt311Proxy(broker.port);
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: proxy.url, id: "gw-311" });
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(["gw-311"], (s) => s.appliedSha256 === sha256(doc), "applied over 3.1.1");
    expect(proxy.levels.slice(0, 2)).toEqual([5, 4]);
    await waitFor(
      async () => ((await gw.get("/fleet")) as { connection: string }).connection === "connected",
      "connected",
    );
    expect(await gw.get("/fleet")).toMatchObject({ protocolVersion: "3.1.1", lastError: "" });
    const notes = gw.plugd
      .logs()
      .filter((l) => l.msg === "the broker does not speak MQTT 5; using MQTT 3.1.1");
    expect(notes).toHaveLength(1);
  }, 60_000);

  test("an apply publishes the status once while applying, with its plan, and once applied", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    await using fleet = await watchFleet(broker.url);
    await using _gw = await startGateway({ broker: broker.url, id: "gw-once" });
    await fleet.until(["gw-once"], (s) => s.online, "the gateway online");
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(["gw-once"], (s) => s.state === "applied", "applied");
    const steps = fleet.statusLog
      .filter((s) => s.gatewayId === "gw-once")
      .map((s) => ({ state: s.state, applyingPlan: s.applyingPlan }));
    expect(steps).toEqual([
      { state: "idle", applyingPlan: [] },
      {
        state: "applying",
        applyingPlan: [{ key: "sinks_file", action: "install", result: "pending" }],
      },
      { state: "applied", applyingPlan: [] },
    ]);
  }, 60_000);
});
