// Which requests crossSiteReason calls another site's doing, table-driven.
import { describe, expect, test } from "bun:test";
import { AppError } from "../errors.ts";
import { crossSiteReason, refuseCrossSite } from "./cross-site.ts";

const at = "http://127.0.0.1:9081/plugins/sources/random";
const ws = { upgrade: "websocket", connection: "Upgrade" };

function request(method: string, headers: Record<string, string>, url = at): Request {
  return new Request(url, { method, headers: { host: new URL(url).host, ...headers } });
}

describe("crossSiteReason", () => {
  const refused: [string, string, Record<string, string>, RegExp][] = [
    ["a DELETE another site started", "DELETE", { "sec-fetch-site": "cross-site" }, /cross-site/],
    [
      "a POST from another port of the host",
      "POST",
      { "sec-fetch-site": "same-site" },
      /same-site/,
    ],
    ["a PUT from a foreign Origin", "PUT", { origin: "http://evil.example" }, /evil\.example/],
    ["a PATCH from Origin: null", "PATCH", { origin: "null" }, /"null"/],
    ["a POST from another port", "POST", { origin: "http://127.0.0.1:8080" }, /:8080/],
    ["a POST from the other scheme", "POST", { origin: "https://127.0.0.1:9081" }, /https/],
    [
      "a WebSocket upgrade from a foreign Origin",
      "GET",
      { ...ws, origin: "http://x.test" },
      /x\.test/,
    ],
    [
      "a WebSocket upgrade marked cross-site",
      "GET",
      { ...ws, "sec-fetch-site": "cross-site" },
      /cross/,
    ],
  ];
  for (const [name, method, headers, reason] of refused) {
    test(`refuses ${name}`, () => {
      expect(crossSiteReason(request(method, headers))).toMatch(reason);
    });
  }

  const passed: [string, string, Record<string, string>][] = [
    ["a POST with neither header (curl, scripts)", "POST", {}],
    ["a DELETE from plugd's own origin", "DELETE", { origin: "http://127.0.0.1:9081" }],
    [
      "a same-origin POST",
      "POST",
      { origin: "http://127.0.0.1:9081", "sec-fetch-site": "same-origin" },
    ],
    ["a POST the person typed (Sec-Fetch-Site: none)", "POST", { "sec-fetch-site": "none" }],
    ["a GET from another site (it changes nothing)", "GET", { origin: "http://evil.example" }],
    ["a HEAD from another site", "HEAD", { "sec-fetch-site": "cross-site" }],
    ["an OPTIONS from another site", "OPTIONS", { origin: "http://evil.example" }],
    [
      "a WebSocket upgrade from plugd's own origin",
      "GET",
      { ...ws, origin: "http://127.0.0.1:9081" },
    ],
    ["an own Origin that differs only in case", "POST", { origin: "HTTP://127.0.0.1:9081" }],
  ];
  for (const [name, method, headers] of passed) {
    test(`lets through ${name}`, () => {
      expect(crossSiteReason(request(method, headers))).toBeUndefined();
    });
  }

  test("compares with the Host the client addressed, default port left out", () => {
    const url = "http://gateway.lan/plugins/sources/random";
    expect(crossSiteReason(request("POST", { origin: "http://gateway.lan" }, url))).toBeUndefined();
    const ported = request("POST", { origin: "http://gateway.lan", host: "gateway.lan:80" }, url);
    expect(crossSiteReason(ported)).toBeUndefined();
    const v6 = "http://[::1]:9081/plugins/sources/random";
    expect(crossSiteReason(request("DELETE", { origin: "http://[::1]:9081" }, v6))).toBeUndefined();
    const other = request("POST", { origin: "http://gateway.lan", host: "10.0.0.5:9081" }, url);
    expect(crossSiteReason(other)).toMatch(/gateway\.lan.*10\.0\.0\.5:9081/);
  });
});

describe("refuseCrossSite", () => {
  test("throws a 403 naming the method, the path and the reason", () => {
    const refusal = (() => {
      try {
        refuseCrossSite(request("DELETE", { origin: "http://evil.example" }));
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal instanceof AppError && refusal.toBody()).toEqual({
      error: 1000,
      message:
        "cross-site request refused: DELETE /plugins/sources/random: it comes from a page of " +
        "http://evil.example, not of plugd's own origin (http://127.0.0.1:9081). A page of " +
        "another site must not change plugd or open its WebSockets; clients that are not " +
        "browsers (curl, eKuiper's, scripts) send no Origin and are served",
    });
    expect(refusal instanceof AppError && refusal.status).toBe(403);
  });
});
