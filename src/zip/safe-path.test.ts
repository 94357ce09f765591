// Tests for checkEntryName: which zip entry names become which paths, and which are refused.
import { describe, expect, test } from "bun:test";
import { caught } from "../../test/support/zip-fixtures.ts";
import { AppError } from "../errors.ts";
import { checkEntryName, entryLabel } from "./safe-path.ts";

describe("checkEntryName", () => {
  const accepted: [string, string][] = [
    ["plugin.so", "plugin.so"],
    ["lib/plugin.so", "lib/plugin.so"],
    ["etc/sources/", "etc/sources"],
    ["./lib/./plugin.so", "lib/plugin.so"],
    ["lib//plugin.so", "lib/plugin.so"],
    ["..hidden/x", "..hidden/x"],
    ["a..b", "a..b"],
    ["名前/файл.txt", "名前/файл.txt"],
    ["with space.txt", "with space.txt"],
  ];
  test.each(accepted)("accepts %p as %p", (name, path) => {
    expect(checkEntryName(name)).toBe(path);
  });

  const refused: [string, string][] = [
    ["", "zip entry with an empty name"],
    ["/etc/passwd", "zip entry /etc/passwd is an absolute path"],
    ["//server/share", "zip entry //server/share is an absolute path"],
    ["C:/Windows/x", 'zip entry "C:/Windows/x" starts with a drive letter'],
    ["c:x", 'zip entry "c:x" starts with a drive letter'],
    ["../x", "zip entry ../x climbs out of its folder with .."],
    ["a/../../x", "zip entry a/../../x climbs out of its folder with .."],
    ["a/..", "zip entry a/.. climbs out of its folder with .."],
    ["a/../b", "zip entry a/../b climbs out of its folder with .."],
    ["a\\b", 'zip entry "a\\\\b" uses a backslash; zip names use forward slashes'],
    ["..\\x", 'zip entry "..\\\\x" uses a backslash; zip names use forward slashes'],
    ["nul\0.so", 'zip entry "nul\\u0000.so" has a control character (U+0000)'],
    ["line\nbreak", 'zip entry "line\\nbreak" has a control character (U+000A)'],
    [".", "zip entry . names no file, only . segments"],
    ["./", "zip entry ./ names no file, only . segments"],
    ["././/.", "zip entry ././/. names no file, only . segments"],
    ["/", "zip entry / is an absolute path"],
  ];
  test.each(refused)("refuses %p with a 400 naming the entry", (name, message) => {
    const err = caught(() => checkEntryName(name));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 400, message });
  });

  test("refuses a name longer than Linux allows", () => {
    const name = `${"d/".repeat(2048)}x`;
    expect(() => checkEntryName(name)).toThrow("is longer than 4096 characters");
  });

  test("refuses a path segment longer than 255 characters", () => {
    expect(() => checkEntryName(`lib/${"x".repeat(256)}`)).toThrow(
      "has a path segment longer than 255 characters",
    );
  });
});

describe("entryLabel", () => {
  test("leaves plain names as they are", () => {
    expect(entryLabel("lib/plugin-1.0_x86+64.so")).toBe("lib/plugin-1.0_x86+64.so");
  });

  test("quotes names with spaces, quotes or control characters", () => {
    expect(entryLabel("a b")).toBe('"a b"');
    expect(entryLabel('say "hi"')).toBe('"say \\"hi\\""');
    expect(entryLabel("x\u0007")).toBe('"x\\u0007"');
  });
});
