// Tests of the defaults and of how sizes and durations are written in messages.

import { describe, expect, test } from "bun:test";
import { defaultDownloadOptions } from "../../test/support/download-kit.ts";

describe("defaultDownloadOptions", () => {
  test("are the documented config defaults", () => {
    expect(defaultDownloadOptions).toEqual({
      maxBytes: 256 * 1024 * 1024,
      connectTimeoutMs: 10_000,
      totalTimeoutMs: 300_000,
      maxRedirects: 5,
      allowedHosts: [],
      allowExternalFileAccess: true,
    });
  });
});
