// log/audit.log: one JSON line per change request, in the file by the time the answer arrives.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { makeSigner, signToken } from "./support/tokens.ts";

/** The audit file's lines, parsed, read at once: no waiting, the answer came after the write. */
function auditLines(server: TestServer): Record<string, unknown>[] {
  const path = join(server.home, "log", "audit.log");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const sha256Of = (data: Uint8Array) => new Bun.CryptoHasher("sha256").update(data).digest("hex");

function line(fields: Record<string, unknown>) {
  return {
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    client: "127.0.0.1",
    identity: "loopback",
    sha256: null,
    durationMs: expect.any(Number),
    ...fields,
  };
}

describe("the audit log", () => {
  test("records create, update, register and delete of a plugin, each before its answer", async () => {
    await using server = await startServer();
    const v1 = nativePluginZip({ type: "functions", name: "echo2" });
    const v2 = nativePluginZip({ type: "functions", name: "echo2", extra: { "etc/x.txt": "2" } });
    await using files = startFileServer({ "/v1.zip": v1, "/v2.zip": v2 });
    const base = "/plugins/functions";
    const steps: [string, string, unknown, number, string | null][] = [
      ["POST", base, { name: "echo2", file: files.url("/v1.zip") }, 201, sha256Of(v1)],
      ["PUT", `${base}/echo2`, { name: "echo2", file: files.url("/v2.zip") }, 200, sha256Of(v2)],
      ["POST", `${base}/echo2/register`, { functions: ["echo3"] }, 200, sha256Of(v2)],
      ["DELETE", `${base}/echo2`, undefined, 200, sha256Of(v2)],
    ];
    const expected: ReturnType<typeof line>[] = [];
    for (const [method, path, body, status, sha256] of steps) {
      const res = await (body === undefined
        ? server.request(path, { method })
        : server.send(method, path, body));
      expect(res.status).toBe(status);
      expected.push(line({ method, path, plugin: "echo2", sha256, status }));
      expect(auditLines(server)).toEqual(expected);
    }
  });

  test("records uploads and their removal with the stored file's sha256", async () => {
    await using server = await startServer();
    const created = await server.send("POST", "/config/uploads", { name: "a.txt", content: "hi" });
    expect(created.status).toBe(201);
    const form = new FormData();
    form.append("uploadFile", new File(["zip bytes"], "b.zip"));
    expect((await server.request("/config/uploads", { method: "POST", body: form })).status).toBe(
      201,
    );
    expect((await server.request("/config/uploads/a.txt", { method: "DELETE" })).status).toBe(200);
    const hi = sha256Of(new TextEncoder().encode("hi"));
    expect(auditLines(server)).toEqual([
      line({ method: "POST", path: "/config/uploads", plugin: "a.txt", sha256: hi, status: 201 }),
      line({
        method: "POST",
        path: "/config/uploads",
        plugin: "b.zip",
        sha256: sha256Of(new TextEncoder().encode("zip bytes")),
        status: 201,
      }),
      line({
        method: "DELETE",
        path: "/config/uploads/a.txt",
        plugin: "a.txt",
        sha256: hi,
        status: 200,
      }),
    ]);
  });

  test("records failed changes with their status and no sha256, and never records reads", async () => {
    await using server = await startServer();
    await server.request("/plugins/sinks");
    await server.request("/config/uploads");
    const bad = await server.send("POST", "/plugins/sinks", { name: "bad name", file: "x" });
    expect(bad.status).toBe(400);
    const missing = await server.request("/plugins/sinks/nothing", { method: "DELETE" });
    expect(missing.status).toBe(404);
    const invalid = await server.send("POST", "/plugins/sinks", { file: "http://x/x.zip" });
    expect(invalid.status).toBe(400);
    expect(auditLines(server)).toEqual([
      line({ method: "POST", path: "/plugins/sinks", plugin: "bad name", status: 400 }),
      line({ method: "DELETE", path: "/plugins/sinks/nothing", plugin: "nothing", status: 404 }),
      line({ method: "POST", path: "/plugins/sinks", plugin: null, status: 400 }),
    ]);
  });

  test("records a change refused for the size of its body", async () => {
    await using server = await startServer({ config: "basic:\n  maxRequestBodySize: 1KiB\n" });
    const body = { name: "big", file: `http://127.0.0.1/${"x".repeat(2048)}.zip` };
    expect((await server.send("PUT", "/plugins/sinks/big", body)).status).toBe(413);
    expect(auditLines(server)).toEqual([
      line({ method: "PUT", path: "/plugins/sinks/big", plugin: "big", status: 413 }),
    ]);
  });

  test("names the token's issuer and subject, and leaves out requests the gate refused", async () => {
    const signer = makeSigner();
    await using server = await startServer({
      config: "basic:\n  authentication: true\n",
      files: { "etc/mgmt/ops.pub": signer.publicPem },
    });
    const refused = await server.send("POST", "/config/uploads", { name: "n.txt", content: "x" });
    expect(refused.status).toBe(401);
    const token = await signToken(signer, "ops.pub", { sub: "alice" });
    const res = await server.request("/config/uploads", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "n.txt", content: "x" }),
    });
    expect(res.status).toBe(201);
    expect(auditLines(server)).toEqual([
      line({
        identity: "ops.pub/alice",
        method: "POST",
        path: "/config/uploads",
        plugin: "n.txt",
        sha256: sha256Of(new TextEncoder().encode("x")),
        status: 201,
      }),
    ]);
  });

  test("writes each record to the log as well", async () => {
    await using server = await startServer();
    await server.request("/config/uploads/none.txt", { method: "DELETE" });
    expect(server.logs).toContainEqual(
      expect.objectContaining({
        module: "audit",
        level: "info",
        method: "DELETE",
        path: "/config/uploads/none.txt",
        status: 404,
        identity: "loopback",
      }),
    );
  });
});
