// basic.authentication: eKuiper RS256 tokens checked over real HTTP, with keys and tokens made here.
import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServer, type TestServer } from "./support/server.ts";
import { installKey, makeSigner, seconds, signHmacToken, signToken } from "./support/tokens.ts";
import { waitFor } from "./support/wait.ts";

const signer = makeSigner();
const stranger = makeSigner();

function startWithAuthentication(extra = ""): Promise<TestServer> {
  return startServer({
    config: `basic:\n  authentication: true\n${extra}`,
    files: { "etc/mgmt/Sample_Key.pub": signer.publicPem },
  });
}

const get = (server: TestServer, authorization?: string) =>
  server.request("/plugins/sources", authorization ? { headers: { authorization } } : {});

async function refusal(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: await res.json() };
}

describe("with basic.authentication on", () => {
  test("a valid token is accepted with or without the Bearer prefix", async () => {
    await using server = await startWithAuthentication();
    const token = await signToken(signer, "Sample_Key.pub");
    expect((await get(server, token)).status).toBe(200);
    expect((await get(server, `Bearer ${token}`)).status).toBe(200);
  });

  test("the issuer names its key file without regard to case", async () => {
    await using server = await startWithAuthentication();
    expect((await get(server, await signToken(signer, "sample_key.PUB"))).status).toBe(200);
  });

  test("/ and /ping are served without a token, as eKuiper serves them", async () => {
    await using server = await startWithAuthentication();
    expect((await server.request("/ping")).status).toBe(200);
    expect((await server.request("/")).status).toBe(200);
  });

  test.each([
    ["no Authorization header", async () => undefined, "missing_token"],
    ["an empty Bearer header", async () => "Bearer ", "missing_token"],
    ["a header that is not a JWT", async () => "Bearer not.a.token", "it is not a JWT"],
    [
      "an expired token",
      () => signToken(signer, "Sample_Key.pub", { exp: seconds.now() - 5 }),
      "invalid token: it expired at",
    ],
    [
      "a token not valid yet",
      () => signToken(signer, "Sample_Key.pub", { nbf: seconds.now() + 600 }),
      "invalid token: it is not valid before",
    ],
    [
      "a token for another audience",
      () => signToken(signer, "Sample_Key.pub", { aud: ["neuron"] }),
      'audience field should contain eKuiper, but got ["neuron"]',
    ],
    [
      "a token whose issuer names no key file",
      () => signToken(signer, "other.pub"),
      'no public key file named "other.pub" in etc/mgmt/',
    ],
    [
      "a token without an issuer",
      () => signToken(signer, "x", { iss: undefined }),
      "it has no iss claim",
    ],
    [
      "an HS256 token keyed with the public key itself",
      () => signHmacToken(signer.publicPem, "Sample_Key.pub"),
      "it is signed with HS256; only RS256 is accepted",
    ],
    [
      "a token signed by another key",
      () => signToken(stranger, "Sample_Key.pub"),
      "its signature does not match the public key etc/mgmt/Sample_Key.pub",
    ],
    [
      "a token whose payload was changed after signing",
      async () => tamperPayload(await signToken(signer, "Sample_Key.pub", { sub: "alice" })),
      "its signature does not match",
    ],
    [
      "a token whose signature was changed",
      async () => tamperSignature(await signToken(signer, "Sample_Key.pub")),
      "its signature does not match",
    ],
  ])("%s is answered 401 with the reason", async (_name, makeHeader, reason) => {
    await using server = await startWithAuthentication();
    const { status, body } = await refusal(await get(server, await makeHeader()));
    expect(status).toBe(401);
    expect(body).toEqual({ error: 1000, message: expect.stringContaining(reason) });
  });

  test("every other route needs a token, unknown routes and the OpenAPI description too", async () => {
    await using server = await startWithAuthentication();
    for (const path of ["/openapi/json", "/plugins/udfs", "/config/uploads", "/no/such/route"]) {
      expect({ path, status: (await server.request(path)).status }).toEqual({ path, status: 401 });
    }
    const created = await server.send("POST", "/plugins/sinks", {
      name: "x",
      file: "http://x/x.zip",
    });
    expect(created.status).toBe(401);
  });

  test("a token without exp is accepted unless basic.requireExp is on", async () => {
    const token = await signToken(signer, "Sample_Key.pub", { exp: undefined });
    {
      await using server = await startWithAuthentication();
      expect((await get(server, token)).status).toBe(200);
    }
    await using strict = await startWithAuthentication("  requireExp: true\n");
    const { status, body } = await refusal(await get(strict, token));
    expect(status).toBe(401);
    expect(body).toEqual({
      error: 1000,
      message: "invalid token: it has no exp claim, and basic.requireExp is on",
    });
  });

  test("a key file added or removed while plugd runs counts without a restart", async () => {
    await using server = await startWithAuthentication();
    const token = await signToken(stranger, "added.pem");
    expect((await get(server, token)).status).toBe(401);
    installKey(server.home, "added.pem", stranger.publicPem);
    await waitFor(async () => (await get(server, token)).status === 200, "the added key");
    rmSync(join(server.home, "etc", "mgmt", "added.pem"));
    await waitFor(async () => (await get(server, token)).status === 401, "the removed key");
  });

  test("an etc/mgmt/ folder replaced by another is read and watched anew", async () => {
    await using server = await startWithAuthentication();
    const token = await signToken(signer, "Sample_Key.pub");
    expect((await get(server, token)).status).toBe(200);
    const mgmt = join(server.home, "etc", "mgmt");
    rmSync(mgmt, { recursive: true });
    installKey(server.home, "other.pub", stranger.publicPem);
    await waitFor(async () => (await get(server, token)).status === 401, "the replaced folder");
    installKey(server.home, "Sample_Key.pub", signer.publicPem);
    await waitFor(async () => (await get(server, token)).status === 200, "the key written again");
    rmSync(join(mgmt, "Sample_Key.pub"));
    await waitFor(async () => (await get(server, token)).status === 401, "the key removed again");
  });

  test("a key file that is not an RSA public key is named in the answer", async () => {
    await using server = await startWithAuthentication();
    installKey(
      server.home,
      "broken.pub",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    const token = await signToken(signer, "broken.pub");
    await waitFor(async () => (await get(server, token)).status === 401, "the broken key");
    const { body } = await refusal(await get(server, token));
    expect(body).toEqual({
      error: 1000,
      message: expect.stringContaining("the public key file etc/mgmt/broken.pub cannot be used"),
    });
  });

  test("the start log says tokens are required and which keys are usable", async () => {
    await using server = await startWithAuthentication();
    expect(server.logs).toContainEqual(
      expect.objectContaining({ msg: "plugd is listening", access: "authentication" }),
    );
    expect(server.logs).toContainEqual(
      expect.objectContaining({ mode: "authentication", keys: ["Sample_Key.pub"] }),
    );
  });
});

/** Changes the payload's `sub` and keeps the header and signature: the signature no longer fits. */
function tamperPayload(token: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<
    string,
    unknown
  >;
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url");
  return `${header}.${forged}.${signature}`;
}

/** Flips one bit of the signature. */
function tamperSignature(token: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const bytes = Buffer.from(signature, "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}
