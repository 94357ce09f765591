// Desired states by URL, as YAML, and per gateway: the envelope forms and the override of a group.
import { describe, expect, test } from "bun:test";
import { generateKeyPair } from "../src/fleet/agent/signature.ts";
import { exportDocument, signEnvelope, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const bytes = (text: string) => new TextEncoder().encode(text);

describe.skipIf(!hasMosquitto)("fleet agent envelopes", () => {
  test("a signed URL envelope is fetched and applied; a wrong sha256 changes nothing", async () => {
    await using broker = await startMosquitto();
    const routes: Record<string, Uint8Array> = {
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    };
    await using files = startFileServer(routes);
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    routes["/set.json"] = bytes(doc);
    const keys = await generateKeyPair();
    await using fleet = await watchFleet(broker.url);
    const publicKey = JSON.stringify(keys.publicPem);
    await using gw = await startGateway({
      broker: broker.url,
      id: "gw-u",
      fleet: [`  publicKey: ${publicKey}`],
    });
    const wrong = "0".repeat(64);
    const bad = await signEnvelope(keys.privatePem, {
      url: files.url("/set.json"),
      sha256: wrong,
      issued: "2026-12-04T01:00:00.000Z",
    });
    await fleet.publish("plugd/groups/lab/desired", bad);
    await fleet.until(["gw-u"], (s) => s.state === "failed", "the wrong sha256 refused");
    expect(fleet.statuses.get("gw-u")?.lastApply?.error).toContain("sha256");
    expect(await gw.get("/plugins/sinks")).toEqual([]);
    const good = await signEnvelope(keys.privatePem, {
      url: files.url("/set.json"),
      sha256: sha256(doc),
      issued: "2026-12-04T01:00:01.000Z",
    });
    await fleet.publish("plugd/groups/lab/desired", good);
    await fleet.until(["gw-u"], (s) => s.appliedSha256 === sha256(doc), "the URL envelope applied");
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
  }, 60_000);

  test("a YAML export as the gateway's own desired state overrides its group's; cleared, the group's returns", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
      "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: broker.url, id: "gw-o" });
    const group = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", group);
    await fleet.until(
      ["gw-o"],
      (s) => s.appliedSha256 === sha256(group),
      "the group's set applied",
    );
    const own = Bun.YAML.stringify(
      { nativePlugins: { sources_random: { name: "random", file: files.url("/random.zip") } } },
      null,
      2,
    );
    await fleet.publish("plugd/gateways/gw-o/desired", own);
    await fleet.until(
      ["gw-o"],
      (s) => s.appliedSha256 === sha256(own),
      "its own (YAML) set applied",
    );
    expect(await gw.get("/plugins/sinks")).toEqual([]);
    expect(await gw.get("/plugins/sources")).toEqual(["random"]);
    expect(fleet.statuses.get("gw-o")?.lastApply).toMatchObject({
      source: "plugd/gateways/gw-o/desired",
    });
    await fleet.publish("plugd/gateways/gw-o/desired", "");
    await fleet.until(["gw-o"], (s) => s.appliedSha256 === sha256(group), "the group's set again");
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
    expect(await gw.get("/plugins/sources")).toEqual([]);
  }, 60_000);
});
