// Tests of the plugin URL rule and of credential hiding.

import { describe, expect, test } from "bun:test";
import { refusalOf } from "../../test/support/refusal.ts";
import { checkPluginUrl, redactUrl } from "./check-url.ts";

const refusal = (url: string) => refusalOf(() => checkPluginUrl(url));

describe("checkPluginUrl", () => {
  test.each([
    "http://127.0.0.1/plugins/sources/random.zip",
    "https://packages.emqx.net/kuiper-plugins/1.0/debian/sinks/file_amd64.zip",
    "https://example.com/a.zip?token=abc",
    "http://[::1]:8080/a.zip",
    "file:///var/lib/plugd/data/uploads/random.zip",
    "http://user:secret@example.com/a.zip",
  ])("accepts %s", (url) => {
    expect(checkPluginUrl(url).href).toBe(new URL(url).href);
  });

  test.each([
    ["ftp://example.com/a.zip", "ftp scheme"],
    ["http://example.com/a.tar.gz", "no .zip"],
    ["http://example.com/a.ZIP", "upper-case .ZIP, as eKuiper"],
    ["http://example.com/a.zip/", "trailing slash"],
    ["http://example.com/?f=a.zip", ".zip only in the query"],
    ["not a url", "garbage"],
    ["", "empty"],
    ["/var/lib/a.zip", "bare path"],
    ["file://otherhost/a.zip", "file with a host"],
    ["javascript:alert(1).zip", "script scheme"],
  ])("refuses %s (%s) with 400 invalid uri", (url) => {
    expect(refusal(url)).toEqual({ status: 400, message: `invalid uri ${url}` });
  });

  test("refuses a bad URL without showing its credentials", () => {
    expect(refusal("ftp://user:secret@example.com/a.zip")).toEqual({
      status: 400,
      message: "invalid uri ftp://***@example.com/a.zip",
    });
  });
});

describe("redactUrl", () => {
  test.each([
    ["http://user:secret@example.com/a.zip", "http://***@example.com/a.zip"],
    ["https://token@example.com/a.zip", "https://***@example.com/a.zip"],
  ])("shows %s as %s, which it leaves as it is", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
    expect(redactUrl(shown)).toBe(shown);
  });

  test.each(["http://example.com/a.zip?x=@y", "http://example.com/a@b.zip", "file:///tmp/a.zip"])(
    "leaves %s, which holds no credentials, as it is",
    (url) => {
      expect(redactUrl(url)).toBe(url);
    },
  );
});
