// (plugd) GET /plugd/server: the real listening address, store file, disk room and access mode.
import { describe, expect, test } from "bun:test";
import { statfsSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "./support/server.ts";
import { makeSigner, signToken } from "./support/tokens.ts";

interface Facts {
  version: string;
  startedAt: string;
  upTimeSeconds: number;
  listen: { host: string; port: number; tls: boolean; addresses: string[] };
  home: string;
  store: string;
  disk: { path: string; freeBytes: number; totalBytes: number };
  access: { mode: string; trustedNetworks: string[] };
}

const available = (path: string) => {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
};

/** Room for what other processes on this shared machine write between two statfs calls. */
const slack = 256 * 1024 * 1024;

describe("GET /plugd/server", () => {
  test("gives the address and port bound, the home's store file and the home's free space", async () => {
    await using server = await startServer();
    const before = available(server.home);
    const res = await server.request("/plugd/server");
    const after = available(server.home);
    expect(res.status).toBe(200);
    const facts = (await res.json()) as Facts;
    const port = Number(new URL(server.url).port);
    expect(port).toBeGreaterThan(0);
    expect(facts.listen).toEqual({
      host: "127.0.0.1",
      port,
      tls: false,
      addresses: [`127.0.0.1:${port}`],
    });
    expect(facts.home).toBe(server.home);
    expect(facts.store).toBe(join(server.home, "data", "plugd.db"));
    expect(await Bun.file(facts.store).exists()).toBe(true);
    expect(facts.disk.path).toBe(server.home);
    expect(facts.disk.freeBytes).toBeGreaterThan(0);
    expect(facts.disk.freeBytes).toBeLessThanOrEqual(facts.disk.totalBytes);
    expect(facts.disk.freeBytes).toBeGreaterThanOrEqual(Math.min(before, after) - slack);
    expect(facts.disk.freeBytes).toBeLessThanOrEqual(Math.max(before, after) + slack);
    const stats = statfsSync(server.home);
    expect(facts.disk.totalBytes).toBe(stats.blocks * stats.bsize);
    expect(facts.access).toEqual({ mode: "protected", trustedNetworks: [] });
    expect(facts.version).toBe(((await (await server.request("/")).json()) as Facts).version);
    expect(facts.upTimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(facts.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  test("names the trusted networks of protected mode", async () => {
    await using server = await startServer({
      config: "basic:\n  trustedNetworks: [192.168.1.0/24, fd00::/8]\n",
    });
    const facts = (await (await server.request("/plugd/server")).json()) as Facts;
    expect(facts.access).toEqual({
      mode: "protected",
      trustedNetworks: ["192.168.1.0/24", "fd00::/8"],
    });
  });

  test("needs a token with authentication on, unlike /", async () => {
    const signer = makeSigner();
    await using server = await startServer({
      config: "basic:\n  authentication: true\n",
      files: { "etc/mgmt/Sample_Key.pub": signer.publicPem },
    });
    expect((await server.request("/")).status).toBe(200);
    const refused = await server.request("/plugd/server");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: number }).error).toBe(1000);
    const authorization = `Bearer ${await signToken(signer, "Sample_Key.pub")}`;
    const res = await server.request("/plugd/server", { headers: { authorization } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Facts).access).toEqual({
      mode: "authentication",
      trustedNetworks: [],
    });
  });

  test("is described in the OpenAPI document", async () => {
    await using server = await startServer();
    const spec = (await (await server.request("/openapi/json")).json()) as {
      paths: Record<string, Record<string, { tags?: string[]; description?: string }>>;
    };
    const operation = spec.paths["/plugd/server"]?.get;
    expect(operation?.tags).toEqual(["server"]);
    expect(operation?.description).toStartWith("(plugd) Listening addresses");
  });
});
