// basic.restTls: HTTPS with a certificate made in the test; bad files stop the start, naming the key.
import { describe, expect, test } from "bun:test";
import { makeCertificate } from "./support/certificate.ts";
import { startServer } from "./support/server.ts";

const certificate = makeCertificate();
const other = makeCertificate();

const tlsConfig = (cert: string, key: string) =>
  `basic:\n  restTls:\n    certfile: ${cert}\n    keyfile: ${key}\n`;

describe("HTTPS from basic.restTls", () => {
  test("serves the API over HTTPS with the configured certificate", async () => {
    await using server = await startServer({
      config: tlsConfig("etc/tls/cert.pem", "etc/tls/key.pem"),
      files: { "etc/tls/cert.pem": certificate.cert, "etc/tls/key.pem": certificate.key },
      ca: certificate.cert,
    });
    expect(server.url).toStartWith("https://127.0.0.1:");
    expect((await server.request("/ping")).status).toBe(200);
    expect(await (await server.request("/plugins/sources")).json()).toEqual([]);
    expect(server.logs).toContainEqual(
      expect.objectContaining({ msg: "plugd is listening", tls: true, url: server.url }),
    );
  });

  test("a client that does not trust the certificate cannot connect", async () => {
    await using server = await startServer({
      config: tlsConfig("etc/tls/cert.pem", "etc/tls/key.pem"),
      files: { "etc/tls/cert.pem": certificate.cert, "etc/tls/key.pem": certificate.key },
    });
    await expect(fetch(`${server.url}/ping`)).rejects.toThrow(/certificate/);
  });

  test.each([
    ["a missing certificate", "etc/none.pem", "etc/key.pem", "basic.restTls.certfile: cannot read"],
    ["a folder as the key", "etc/cert.pem", "etc", "basic.restTls.keyfile: cannot read"],
    [
      "a certificate file that is not one",
      "etc/key.pem",
      "etc/key.pem",
      "certfile: the file is not a PEM certificate",
    ],
    [
      "a key file that is not one",
      "etc/cert.pem",
      "etc/cert.pem",
      "keyfile: the file is not a PEM private key",
    ],
    [
      "the key of another certificate",
      "etc/cert.pem",
      "etc/other-key.pem",
      "is not the key of the certificate",
    ],
  ])("%s stops the start with an error naming the key", async (_name, cert, key, message) => {
    const files = {
      "etc/cert.pem": certificate.cert,
      "etc/key.pem": certificate.key,
      "etc/other-key.pem": other.key,
    };
    const start = startServer({ config: tlsConfig(cert, key), files });
    await expect(start).rejects.toThrow(message);
  });

  test("a certificate without its key stops the start", async () => {
    const start = startServer({
      config: "basic:\n  restTls:\n    certfile: etc/cert.pem\n",
      files: { "etc/cert.pem": certificate.cert },
    });
    await expect(start).rejects.toThrow("basic.restTls: set both certfile and keyfile, or neither");
  });
});
