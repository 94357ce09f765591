// Tests of the redirect rules with a played web, for hops a local test server cannot serve (https).

import { describe, expect, test } from "bun:test";
import { failure } from "../../test/support/download-kit.ts";
import { parseHostPolicy } from "./host-policy.ts";
import { followRedirects, type HttpContext } from "./open-http.ts";

/** A web of fixed answers by URL; every request is recorded, unknown URLs are refused. */
function playedWeb(answers: Record<string, Response>) {
  const requested: string[] = [];
  const fetch = async (url: URL): Promise<Response> => {
    requested.push(url.href);
    const answer = answers[url.href];
    if (!answer) throw new Error(`ECONNREFUSED ${url.href}`);
    return answer;
  };
  return { requested, fetch };
}

const moved = (location: string, status = 302) =>
  new Response(null, { status, headers: { location } });

function context(web: ReturnType<typeof playedWeb>, shown: string, hosts: string[] = []) {
  const ctx: HttpContext = {
    options: { maxBytes: 1024, connectTimeoutMs: 1000, maxRedirects: 5 },
    policy: parseHostPolicy(hosts),
    shown,
    signal: new AbortController().signal,
    fetch: web.fetch,
  };
  return ctx;
}

describe("followRedirects", () => {
  test("refuses a redirect from https down to http", async () => {
    const start = "https://releases.example.com/a.zip";
    const web = playedWeb({ [start]: moved("http://cdn.example.com/a.zip") });
    expect(await failure(followRedirects(new URL(start), context(web, start)))).toEqual({
      status: 400,
      message: `cannot download ${start}: redirect to http://cdn.example.com/a.zip refused: https may not be downgraded to http`,
    });
    expect(web.requested).toEqual([start]);
  });

  test("follows http up to https and a relative Location, whatever the target's path", async () => {
    const start = "http://example.com/a.zip";
    const web = playedWeb({
      [start]: moved("https://example.com/a.zip", 301),
      "https://example.com/a.zip": moved("/objects/123?sig=x", 307),
      "https://example.com/objects/123?sig=x": new Response("zip"),
    });
    const res = await followRedirects(new URL(start), context(web, start));
    expect(await res.text()).toBe("zip");
    expect(web.requested).toHaveLength(3);
  });

  test("checks every redirect target against allowedHosts", async () => {
    const start = "https://example.com/a.zip";
    const web = playedWeb({ [start]: moved("https://evil.example.net/a.zip") });
    const ctx = context(web, start, ["example.com"]);
    expect(await failure(followRedirects(new URL(start), ctx))).toEqual({
      status: 400,
      message: `cannot download ${start}: redirect to https://evil.example.net/a.zip refused: host evil.example.net is not allowed (plugin.allowedHosts)`,
    });
  });

  test("a redirect status without a Location is an HTTP error", async () => {
    const start = "https://example.com/a.zip";
    const web = playedWeb({ [start]: new Response(null, { status: 302 }) });
    expect(await failure(followRedirects(new URL(start), context(web, start)))).toEqual({
      status: 400,
      message: `cannot download ${start}: HTTP 302 Found`,
    });
  });

  test("a Location that is not a URL is refused", async () => {
    const start = "https://example.com/a.zip";
    const web = playedWeb({ [start]: moved("http://[bad") });
    expect(await failure(followRedirects(new URL(start), context(web, start)))).toEqual({
      status: 400,
      message: `cannot download ${start}: redirect to http://[bad refused: not a URL`,
    });
  });

  test("a network failure is a 400 with the cause", async () => {
    const start = "https://example.com/a.zip";
    const web = playedWeb({});
    expect(await failure(followRedirects(new URL(start), context(web, start)))).toEqual({
      status: 400,
      message: `cannot download ${start}: ECONNREFUSED ${start}`,
    });
  });
});
