// Unit tests of manifest parsing: accepted shapes and a message that says what to fix for each rule.

import { describe, expect, test } from "bun:test";
import { AppError } from "../errors.ts";
import { parseManifest } from "./manifest.ts";

const base = {
  version: "1.0.0",
  language: "go",
  executable: "mirror",
  sources: ["random"],
  sinks: ["file"],
  functions: ["echo", "echo_2-x"],
};
const parse = (fields: Record<string, unknown>, name = "mirror") =>
  parseManifest(JSON.stringify(fields), name);

function failure(action: () => unknown): AppError {
  try {
    action();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a 400");
}

describe("parseManifest", () => {
  test("a go manifest is read with the install name and every symbol list", () => {
    expect(parse({ ...base, name: "mirror" })).toEqual({
      name: "mirror",
      version: "1.0.0",
      language: "go",
      executable: "mirror",
      sources: ["random"],
      sinks: ["file"],
      functions: ["echo", "echo_2-x"],
    });
  });

  test("missing symbol lists and version default to empty", () => {
    const manifest = parse({ language: "python", executable: "main.py", functions: ["f"] });
    expect(manifest).toEqual({
      name: "mirror",
      version: "",
      language: "python",
      executable: "main.py",
      sources: [],
      sinks: [],
      functions: ["f"],
    });
  });

  test("a python plugin in a conda environment keeps virtualEnvType and env", () => {
    const manifest = parse({ ...base, language: "python", virtualEnvType: "conda", env: "py3.9" });
    expect(manifest.virtualEnvType).toBe("conda");
    expect(manifest.env).toBe("py3.9");
  });

  test.each([
    ["not json", "{", "mirror.json is not valid JSON"],
    ["an array", "[]", "mirror.json must hold a JSON object"],
  ])("%s is refused", (_what, text, message) => {
    expect(failure(() => parseManifest(text, "mirror")).message).toStartWith(message);
  });

  test.each(["bin/mirror", "..", "-c"])(
    "an executable %p (a subfolder, going up, like an option) is refused",
    (executable) => {
      const text = JSON.stringify({ ...base, executable });
      const { message } = failure(() => parseManifest(text, "mirror"));
      expect(message).toContain('"executable" must be a plain file name');
      expect(message).toStartWith("mirror.json: ");
    },
  );

  test.each([
    [
      "a different name",
      { ...base, name: "other" },
      '"name" is "other" but the plugin is installed as "mirror"',
    ],
    [
      "a language other than go or python",
      { ...base, language: "java" },
      '"language" must be "go" or "python", got "java"',
    ],
    [
      "no language",
      { ...base, language: undefined },
      '"language" must be "go" or "python", got null',
    ],
    ["no executable", { ...base, executable: undefined }, '"executable" is missing'],
    [
      "no symbol at all",
      { ...base, sources: [], sinks: null, functions: undefined },
      "list at least one symbol",
    ],
    ["a symbol with a dot", { ...base, functions: ["a.b"] }, 'functions name "a.b" is invalid'],
    ["a symbol that is not a string", { ...base, sources: [1] }, "sources name 1 is invalid"],
    ["a symbol listed twice", { ...base, sinks: ["file", "file"] }, 'sinks lists "file" twice'],
    [
      "a symbol list that is a string",
      { ...base, sinks: "file" },
      '"sinks" must be an array of names',
    ],
    ["conda without env", { ...base, language: "python", virtualEnvType: "conda" }, 'needs "env"'],
    [
      "another virtual env type",
      { ...base, language: "python", virtualEnvType: "venv" },
      '"virtualEnvType" must be "conda"',
    ],
    [
      "conda for a go plugin",
      { ...base, virtualEnvType: "conda", env: "e" },
      "applies to python plugins only",
    ],
    ["a version that is a number", { ...base, version: 1 }, '"version" must be a string'],
  ])("%s is refused with a 400 that says what to fix", (_what, fields, message) => {
    const err = failure(() => parse(fields));
    expect(err.status).toBe(400);
    expect(err.message).toContain(message);
    expect(err.message).toStartWith("mirror.json: ");
  });
});
