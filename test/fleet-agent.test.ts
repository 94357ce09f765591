// The fleet agent against a real mosquitto: gateways (plugd processes) follow a group's desired state.
import { describe, expect, test } from "bun:test";
import { generateKeyPair } from "../src/fleet/agent/signature.ts";
import { exportDocument, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

function zips() {
  return startFileServer({
    "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
    "/echo.zip": nativePluginZip({ type: "functions", name: "echo" }),
  });
}

test("GET /fleet says the agent is off when fleet.url is not set", async () => {
  await using server = await startServer();
  const res = await server.request("/fleet");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ enabled: false });
});

test("a bad fleet.publicKey stops the start, naming the key", async () => {
  const config = "fleet:\n  url: mqtt://127.0.0.1:1\n  publicKey: bm90IGEga2V5\n";
  await expect(startServer({ config })).rejects.toThrow(
    "fleet.publicKey: an Ed25519 public key is a PEM",
  );
});

test("a public key file named relative to the home folder is read; an unreachable broker is a clear status", async () => {
  const { publicPem } = await generateKeyPair();
  await using server = await startServer({
    config: "fleet:\n  url: mqtt://127.0.0.1:1\n  clientId: gw-r\n  publicKey: etc/fleet.pub\n",
    files: { "etc/fleet.pub": publicPem },
  });
  await waitFor(async () => {
    const report = (await (await server.request("/fleet")).json()) as { lastError: string };
    return report.lastError !== "";
  }, "the first connection attempt to fail");
  expect(await (await server.request("/fleet")).json()).toMatchObject({
    enabled: true,
    connection: "reconnecting",
    broker: "mqtt://127.0.0.1:1",
    clientId: "gw-r",
    signatureRequired: true,
    state: "idle",
    lastError: expect.stringContaining("cannot connect to the broker"),
  });
});

describe.skipIf(!hasMosquitto)("fleet agent with mosquitto", () => {
  test("every gateway of the group converges on the desired state, then on its change, and reports it", async () => {
    await using broker = await startMosquitto();
    await using files = zips();
    await using fleet = await watchFleet(broker.url);
    const ids = ["gw-a", "gw-b", "gw-c"];
    await using a = await startGateway({ broker: broker.url, id: "gw-a" });
    await using b = await startGateway({ broker: broker.url, id: "gw-b" });
    await using c = await startGateway({ broker: broker.url, id: "gw-c" });
    await fleet.until(ids, (s) => s.online && s.state === "idle", "every gateway online");
    const first = exportDocument({
      sinks_file: files.url("/file.zip"),
      sources_random: files.url("/random.zip"),
    });
    await fleet.publish("plugd/groups/lab/desired", first);
    await fleet.until(ids, (s) => s.appliedSha256 === sha256(first), "the first set applied");
    for (const gw of [a, b, c]) {
      expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
      expect(await gw.get("/plugins/sources")).toEqual(["random"]);
      expect(await gw.get("/fleet")).toMatchObject({
        enabled: true,
        connection: "connected",
        clientId: gw.id,
        groups: ["lab"],
        state: "applied",
        appliedSha256: sha256(first),
        lastError: "",
      });
    }
    expect(fleet.statuses.get("gw-a")?.lastApply).toMatchObject({
      state: "applied",
      plan: [
        { key: "sinks_file", action: "install", result: "done" },
        { key: "sources_random", action: "install", result: "done" },
      ],
    });
    const second = exportDocument({
      sinks_file: files.url("/file.zip"),
      functions_echo: files.url("/echo.zip"),
    });
    await fleet.publish("plugd/groups/lab/desired", second);
    await fleet.until(ids, (s) => s.appliedSha256 === sha256(second), "the second set applied");
    for (const gw of [a, b, c]) {
      expect(await gw.get("/plugins/sources")).toEqual([]);
      expect(await gw.get("/plugins/functions")).toEqual(["echo"]);
    }
    const kinds = fleet.events
      .filter((e) => e.gatewayId === "gw-b")
      .map((e) => `${e.type} ${e.plugin}`);
    expect(kinds.sort()).toEqual([
      "installed functions_echo",
      "installed sinks_file",
      "installed sources_random",
      "removed sources_random",
    ]);
    // The file zip was fetched once per gateway: the second set left it untouched.
    expect(files.downloads("/file.zip")).toBe(3);
    // Every line is JSON (logs() fails on any other), and none is an error.
    for (const gw of [a, b, c])
      expect(gw.plugd.logs().filter((l) => l.level === "error")).toEqual([]);
  }, 120_000);
});
