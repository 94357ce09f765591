// Portable plugins in a fleet: installed by a desired state, their crashes reported as events and status.
import { describe, expect, test } from "bun:test";
import { startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

describe.skipIf(!hasMosquitto)("fleet agent and portable plugins", () => {
  test("a crash of a portable plugin is a plugin-crashed event and shows in the status", async () => {
    await using broker = await startMosquitto();
    const name = `fleetcrash${crypto.randomUUID().slice(0, 8)}`;
    await using files = startFileServer({
      "/p.zip": portablePluginZip({ name, behaviour: { crashOnSignal: true } }),
    });
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: broker.url, id: "gw-p" });
    const doc = JSON.stringify({
      portablePlugins: { [name]: JSON.stringify({ name, file: files.url("/p.zip") }) },
    });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(["gw-p"], (s) => s.appliedSha256 === sha256(doc), "the portable set applied");
    await fleet.until(
      ["gw-p"],
      (s) => JSON.stringify(s.portables).includes('"status":"running"'),
      "the plugin to run",
    );
    const status = (await gw.get(`/plugins/portables/${name}/status`)) as { pid: number };
    process.kill(status.pid, "SIGUSR1");
    await waitFor(
      () => fleet.events.some((e) => e.type === "plugin-crashed" && e.plugin === name),
      "the crash event",
      30_000,
    );
    await fleet.until(
      ["gw-p"],
      (s) => JSON.stringify(s.portables).includes('"restarts":1'),
      "the restart in the status",
    );
    expect(fleet.events.find((e) => e.type === "plugin-crashed")).toMatchObject({
      gatewayId: "gw-p",
      plugin: name,
      restarts: 1,
    });
  }, 60_000);
});
