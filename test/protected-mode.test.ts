// Protected mode seen from a real non-loopback client: one in a network namespace made here.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createNetns, netnsUnavailable } from "./support/netns.ts";
import { startServer } from "./support/server.ts";
import { makeSigner, signToken } from "./support/tokens.ts";

const unavailable = await netnsUnavailable();
const title = "clients on another network";
if (unavailable !== undefined) console.warn(`skipping the protected-mode tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)(
  unavailable === undefined ? title : `${title} (skipped: ${unavailable})`,
  () => {
    test("are refused with 403 saying how to turn authentication on or trust their network", async () => {
      await using netns = await createNetns();
      await using server = await startServer({ host: "0.0.0.0" });
      const remote = `http://${netns.hostAddress}:${server.plugd.port}`;
      // The console is refused to the same clients as the API.
      for (const path of ["/plugins/sources", "/ping", "/ui/"]) {
        const res = await netns.fetch(`${remote}${path}`);
        expect(res.status).toBe(403);
        const body = JSON.parse(res.body) as { error: number; message: string };
        expect(body.error).toBe(1000);
        expect(body.message).toContain(`not client ${netns.clientAddress}`);
        expect(body.message).toContain("basic.authentication: true");
        expect(body.message).toContain(
          `basic.trustedNetworks (for this client alone: ${netns.clientAddress}/32)`,
        );
      }
      expect((await server.request("/plugins/sources")).status).toBe(200);
    });

    test("the start log names the mode and every address plugd listens on", async () => {
      await using netns = await createNetns();
      await using server = await startServer({ host: "0.0.0.0" });
      const port = server.plugd.port;
      expect(server.logs).toContainEqual(
        expect.objectContaining({
          msg: "plugd is listening",
          access: "protected",
          addresses: expect.arrayContaining([`127.0.0.1:${port}`, `${netns.hostAddress}:${port}`]),
        }),
      );
    });

    test("are served without a token from basic.trustedNetworks, audited as trusted", async () => {
      await using netns = await createNetns();
      await using server = await startServer({
        host: "0.0.0.0",
        config: `basic:\n  trustedNetworks: [${netns.network}]\n`,
      });
      const res = await netns.fetch(
        `http://${netns.hostAddress}:${server.plugd.port}/config/uploads`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "from-lan.txt", content: "x" }),
        },
      );
      expect(res.status).toBe(201);
      const audit = JSON.parse(
        readFileSync(join(server.home, "log", "audit.log"), "utf8"),
      ) as object;
      expect(audit).toMatchObject({
        client: netns.clientAddress,
        identity: `trusted:${netns.network}`,
      });
    });

    test("are served with a valid token when authentication is on, and refused without", async () => {
      const signer = makeSigner();
      await using netns = await createNetns();
      await using server = await startServer({
        host: "0.0.0.0",
        config: "basic:\n  authentication: true\n",
        files: { "etc/mgmt/gw.pub": signer.publicPem },
      });
      const url = `http://${netns.hostAddress}:${server.plugd.port}/plugins/sources`;
      const authorization = `Bearer ${await signToken(signer, "gw.pub")}`;
      expect((await netns.fetch(url, { headers: { authorization } })).status).toBe(200);
      expect((await netns.fetch(url)).status).toBe(401);
    });

    test("are all served when protected mode is off, and the start log warns of it", async () => {
      await using netns = await createNetns();
      await using server = await startServer({
        host: "0.0.0.0",
        config: "basic:\n  protectedMode: false\n",
      });
      const res = await netns.fetch(
        `http://${netns.hostAddress}:${server.plugd.port}/plugins/sources`,
      );
      expect(res).toEqual({ status: 200, body: "[]" });
      expect(server.logs).toContainEqual(expect.objectContaining({ level: "warn", mode: "open" }));
    });
  },
);
