// The fleet agent over each transport of a real mosquitto: mqtts://, ws:// and wss://.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCertificate } from "./support/certificate.ts";
import { exportDocument, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const fileZip = nativePluginZip({ type: "sinks", name: "file" });

describe.skipIf(!hasMosquitto)("fleet agent transports", () => {
  test("mqtts:// with a CA file and a password: the gateway joins and applies", async () => {
    const certificate = makeCertificate();
    await using broker = await startMosquitto({ tls: certificate, users: { fleet: "s3cret" } });
    const dir = mkdtempSync(join(tmpdir(), "plugd-fleet-ca-"));
    writeFileSync(join(dir, "ca.pem"), certificate.cert);
    try {
      await using files = startFileServer({ "/file.zip": fileZip });
      const auth = { username: "fleet", password: "s3cret", ca: [certificate.cert] };
      await using fleet = await watchFleet(broker.url, "plugd", auth);
      const credentials = [
        "  username: fleet",
        "  password: s3cret",
        `  cafile: ${join(dir, "ca.pem")}`,
      ];
      await using gw = await startGateway({ broker: broker.url, id: "gw-tls", fleet: credentials });
      const doc = exportDocument({ sinks_file: files.url("/file.zip") });
      await fleet.publish("plugd/groups/lab/desired", doc);
      await fleet.until(["gw-tls"], (s) => s.appliedSha256 === sha256(doc), "applied over TLS");
      expect(await gw.get("/fleet")).toMatchObject({
        broker: broker.url,
        connection: "connected",
        protocolVersion: "5",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test("ws://: a gateway joins through mosquitto's websockets listener and converges", async () => {
    await using broker = await startMosquitto({ websockets: true });
    await using files = startFileServer({ "/file.zip": fileZip });
    // The operator publishes over plain MQTT; the gateway knows only the WebSocket port.
    await using fleet = await watchFleet(broker.url);
    await using gw = await startGateway({ broker: broker.wsUrl, id: "gw-ws" });
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(["gw-ws"], (s) => s.appliedSha256 === sha256(doc), "applied over ws://");
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
    expect(await gw.get("/fleet")).toMatchObject({
      broker: broker.wsUrl,
      connection: "connected",
      protocolVersion: "5",
      appliedSha256: sha256(doc),
    });
  }, 120_000);

  test("wss:// with a CA file: a gateway joins over TLS WebSocket and converges; without it the broker is not trusted", async () => {
    const certificate = makeCertificate();
    await using broker = await startMosquitto({ tls: certificate, websockets: true });
    const dir = mkdtempSync(join(tmpdir(), "plugd-fleet-wss-"));
    writeFileSync(join(dir, "ca.pem"), certificate.cert);
    try {
      await using files = startFileServer({ "/file.zip": fileZip });
      await using fleet = await watchFleet(broker.url, "plugd", { ca: [certificate.cert] });
      const cafile = [`  cafile: ${join(dir, "ca.pem")}`];
      await using gw = await startGateway({ broker: broker.wsUrl, id: "gw-wss", fleet: cafile });
      const doc = exportDocument({ sinks_file: files.url("/file.zip") });
      await fleet.publish("plugd/groups/lab/desired", doc);
      await fleet.until(["gw-wss"], (s) => s.appliedSha256 === sha256(doc), "applied over wss://");
      expect(broker.wsUrl).toStartWith("wss://");
      expect(await gw.get("/fleet")).toMatchObject({
        broker: broker.wsUrl,
        connection: "connected",
      });
      // Without the CA the self-signed broker is not trusted: the certificate is checked over wss:// too.
      await using stranger = await startGateway({ broker: broker.wsUrl, id: "gw-noca" });
      const refused = async () => {
        const report = (await stranger.get("/fleet")) as { connection: string; lastError: string };
        return report.connection === "reconnecting" && report.lastError !== "";
      };
      await waitFor(refused, "the untrusted broker to be refused");
      expect(await stranger.get("/fleet")).toMatchObject({
        connection: "reconnecting",
        lastError: "cannot connect to the broker: self signed certificate",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
