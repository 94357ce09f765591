// The fleet agent refuses what it must: a set that fails, an unsigned or badly signed one, bad credentials.
import { describe, expect, test } from "bun:test";
import { generateKeyPair, importPrivateKey, signText } from "../src/fleet/agent/signature.ts";
import { exportDocument, signEnvelope, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { waitFor } from "./support/wait.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

describe.skipIf(!hasMosquitto)("fleet agent refusals", () => {
  test("a set with a failing URL leaves every gateway as it was, and each says why", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
      "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    await using fleet = await watchFleet(broker.url);
    const ids = ["gw-1", "gw-2"];
    await using one = await startGateway({ broker: broker.url, id: "gw-1" });
    await using two = await startGateway({ broker: broker.url, id: "gw-2" });
    const good = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", good);
    await fleet.until(ids, (s) => s.appliedSha256 === sha256(good), "the good set applied");
    const bad = exportDocument({
      sinks_file: files.url("/file.zip"),
      sources_random: files.url("/random.zip"),
      sources_missing: files.url("/missing.zip"),
    });
    await fleet.publish("plugd/groups/lab/desired", bad);
    await fleet.until(ids, (s) => s.state === "failed", "the bad set failed");
    for (const gw of [one, two]) {
      const status = fleet.statuses.get(gw.id);
      expect(status?.appliedSha256).toBe(sha256(good));
      expect(status?.lastApply?.sha256).toBe(sha256(bad));
      expect(status?.lastApply?.error).toContain("sources_missing: ");
      expect(status?.lastApply?.error).toContain("404");
      expect(status?.lastApply?.plan).toEqual([
        { key: "sinks_file", action: "unchanged", result: "not applied" },
        { key: "sources_random", action: "install", result: "not applied" },
        { key: "sources_missing", action: "install", result: "failed", error: expect.any(String) },
      ] as never);
      expect(await gw.get("/plugins/sources")).toEqual([]);
      expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
      expect(await gw.get("/fleet")).toMatchObject({
        state: "failed",
        appliedSha256: sha256(good),
      });
    }
    const failures = fleet.events.filter((e) => e.type === "apply-failed");
    expect(failures.map((e) => e.gatewayId).sort()).toEqual(ids);
  }, 120_000);

  test("with a public key, unsigned, badly signed, widened and undated states are refused and a signed one applies", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    await using fleet = await watchFleet(broker.url);
    const trusted = await generateKeyPair();
    const other = await generateKeyPair();
    const publicKey = JSON.stringify(trusted.publicPem);
    await using gw = await startGateway({
      broker: broker.url,
      id: "gw-s",
      fleet: [`  publicKey: ${publicKey}`],
    });
    const doc = exportDocument({ sinks_file: files.url("/file.zip") });
    await fleet.publish("plugd/groups/lab/desired", doc);
    await fleet.until(["gw-s"], (s) => s.state === "failed", "the unsigned state refused");
    expect(fleet.statuses.get("gw-s")?.lastApply?.error).toBe(
      "refused: the desired state is not signed, and fleet.publicKey requires a signature",
    );
    const refusals = (n: number) => () =>
      fleet.events.filter((e) => e.type === "refused").length === n;
    const forged = await signText(await importPrivateKey(other.privatePem), doc);
    await fleet.publish(
      "plugd/groups/lab/desired",
      JSON.stringify({ document: doc, signature: forged }),
    );
    await waitFor(refusals(2), "the state signed by another key refused");
    // Signed by the trusted key for a 10% roll-out, published for everyone: refused too.
    const staged = await signText(
      await importPrivateKey(trusted.privatePem),
      `rollout 10%\n${doc}`,
    );
    const widened = { document: doc, signature: staged, rollout: "100%" };
    await fleet.publish("plugd/groups/lab/desired", JSON.stringify(widened));
    await waitFor(refusals(3), "the widened roll-out refused");
    expect(fleet.statuses.get("gw-s")?.lastApply?.error).toBe(
      "refused: the signature does not verify with fleet.publicKey",
    );
    expect(await gw.get("/plugins/sinks")).toEqual([]);
    const undated = await signText(await importPrivateKey(trusted.privatePem), doc);
    await fleet.publish(
      "plugd/groups/lab/desired",
      JSON.stringify({ document: doc, signature: undated }),
    );
    // The status follows the refused event: wait for it, not for the event.
    const undatedRefused = "refused: the signed desired state has no issue time (issued)";
    await fleet.until(
      ["gw-s"],
      (s) => s.lastApply?.error?.startsWith(undatedRefused) === true,
      "the signed state without an issue time refused",
    );
    expect(refusals(4)()).toBe(true);
    const issued = new Date().toISOString();
    const signed = await signEnvelope(trusted.privatePem, { document: doc, issued });
    await fleet.publish("plugd/groups/lab/desired", signed);
    await fleet.until(["gw-s"], (s) => s.appliedSha256 === sha256(doc), "the signed state applied");
    expect(await gw.get("/plugins/sinks")).toEqual(["file"]);
    expect(await gw.get("/fleet")).toMatchObject({ signatureRequired: true, state: "applied" });
  }, 120_000);

  test("wrong credentials: GET /fleet says so, plugd logs it once, and the REST API serves on", async () => {
    await using broker = await startMosquitto({ users: { fleet: "right" }, verbose: true });
    await using gw = await startGateway({
      broker: broker.url,
      id: "gw-c",
      fleet: ["  username: fleet", "  password: wrong"],
    });
    await waitFor(
      async () =>
        ((await gw.get("/fleet")) as { connection: string }).connection === "unauthorized",
      "the agent to be refused",
      30_000,
    );
    expect(await gw.get("/fleet")).toMatchObject({
      enabled: true,
      connection: "unauthorized",
      lastError: expect.stringContaining("the broker refused the credentials of gw-c"),
    });
    // Three refused attempts seen by the broker, and still one log line.
    const refused = () => broker.output().match(/disconnected, not authorised/g)?.length ?? 0;
    await waitFor(() => refused() >= 3, "three refused attempts", 30_000);
    const lines = gw.plugd.logs().filter((l) => String(l.msg).includes("refused the credentials"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", module: "fleet-agent" });
    expect(await gw.get("/plugins/sinks")).toEqual([]);
  }, 120_000);
});
