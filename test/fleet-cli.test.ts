// `plugd fleet keygen`, `publish --sign --rollout` and `status`, against a real mosquitto and gateways.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportDocument, startGateway, watchFleet } from "./support/fleet-kit.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { hasMosquitto, startMosquitto } from "./support/mosquitto.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";

const main = join(import.meta.dir, "..", "src", "main.ts");
const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

async function plugd(...args: string[]) {
  const proc = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = [
    await new Response(proc.stdout).text(),
    await new Response(proc.stderr).text(),
  ];
  return { code: await proc.exited, lines: out.trimEnd().split("\n"), stderr: err };
}

describe.skipIf(!hasMosquitto)("plugd fleet", () => {
  test("keygen, a signed publish to a group, and the status table of its gateways", async () => {
    await using broker = await startMosquitto();
    await using files = startFileServer({
      "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    const dir = mkdtempSync(join(tmpdir(), "plugd-fleet-cli-"));
    try {
      const keys = await plugd("fleet", "keygen", join(dir, "keys"));
      expect(keys).toMatchObject({ code: 0, stderr: "" });
      expect(statSync(join(dir, "keys", "fleet.key")).mode & 0o777).toBe(0o600);
      const publicKey = JSON.stringify(join(dir, "keys", "fleet.pub"));
      await using fleet = await watchFleet(broker.url);
      const ids = ["gw-x", "gw-y"];
      await using x = await startGateway({
        broker: broker.url,
        id: "gw-x",
        fleet: [`  publicKey: ${publicKey}`],
      });
      await using y = await startGateway({
        broker: broker.url,
        id: "gw-y",
        fleet: [`  publicKey: ${publicKey}`],
      });
      const doc = exportDocument({ sinks_file: files.url("/file.zip") });
      writeFileSync(join(dir, "set.json"), doc);
      const sign = ["--sign", join(dir, "keys", "fleet.key")];
      const published = await plugd(
        "fleet",
        "publish",
        join(dir, "set.json"),
        "--group",
        "lab",
        ...sign,
        "--rollout",
        "100%",
        "--broker",
        broker.url,
      );
      expect(published).toEqual({
        code: 0,
        lines: [
          expect.stringMatching(
            new RegExp(`^published plugd/groups/lab/desired sha256 ${sha256(doc)} issued \\S+Z$`),
          ),
        ],
        stderr: "",
      });
      await fleet.until(ids, (s) => s.appliedSha256 === sha256(doc), "the signed set applied");
      expect(await x.get("/plugins/sinks")).toEqual(["file"]);
      expect(await y.get("/plugins/sinks")).toEqual(["file"]);
      const status = await plugd("fleet", "status", "--group", "lab", "--broker", broker.url);
      expect(status.code).toBe(0);
      const short = sha256(doc).slice(0, 12);
      expect(status.lines).toEqual([
        "GATEWAY  ONLINE  STATE    SHA256        PLUGINS  ERROR",
        `gw-x     yes     applied  ${short}  1`,
        `gw-y     yes     applied  ${short}  1`,
      ]);
      // An unsigned empty set for gw-x alone would remove its plugins: it is refused.
      writeFileSync(join(dir, "empty.json"), exportDocument({}));
      const unsigned = await plugd(
        "fleet",
        "publish",
        join(dir, "empty.json"),
        "--gateway",
        "gw-x",
        "--broker",
        broker.url,
      );
      expect(unsigned.code).toBe(0);
      await fleet.until(["gw-x"], (s) => s.state === "failed", "the unsigned override refused");
      expect(readFileSync(join(dir, "keys", "fleet.pub"), "utf8")).toStartWith(
        "-----BEGIN PUBLIC KEY-----",
      );
      expect(
        await plugd("fleet", "publish", join(dir, "set.json"), "--broker", broker.url),
      ).toMatchObject({
        code: 1,
        stderr: "plugd fleet publish: give exactly one of --group G or --gateway ID\n",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
