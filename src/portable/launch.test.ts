// Unit tests of the launch command lines (B.2) and the socket addresses with their limits.

import { describe, expect, test } from "bun:test";
import { checkFrameSize, controlUrl, dataUrl, functionUrl } from "./addresses.ts";
import { launchCommand } from "./launch.ts";
import type { PortableManifest } from "./manifest.ts";

const manifest: PortableManifest = {
  name: "mirror",
  version: "1",
  language: "go",
  executable: "mirror",
  sources: [],
  sinks: [],
  functions: ["echo"],
};

describe("launchCommand", () => {
  test("a go plugin runs its executable with the PortableConfig", () => {
    expect(launchCommand(manifest, "/p/mirror", "python")).toEqual([
      "/p/mirror/mirror",
      '{"sendTimeout":1000}',
    ]);
  });

  test("a python plugin runs unbuffered under pythonBin", () => {
    const python = { ...manifest, language: "python" as const, executable: "main.py" };
    expect(launchCommand(python, "/p/py", "python3")).toEqual([
      "python3",
      "-u",
      "/p/py/main.py",
      '{"sendTimeout":1000}',
    ]);
  });

  test("a conda plugin runs through conda run in its environment, without -u", () => {
    const conda = {
      ...manifest,
      language: "python" as const,
      executable: "main.py",
      virtualEnvType: "conda" as const,
      env: "ml",
    };
    expect(launchCommand(conda, "/p/py", "python")).toEqual([
      "conda",
      "run",
      "-n",
      "ml",
      "python",
      "/p/py/main.py",
      '{"sendTimeout":1000}',
    ]);
  });
});

describe("addresses", () => {
  test("the control, function and data addresses follow eKuiper's names", () => {
    expect(controlUrl("/tmp", "mirror")).toBe("ipc:///tmp/plugin_mirror.ipc");
    expect(functionUrl("/tmp", "echo")).toBe("ipc:///tmp/func_echo.ipc");
    const meta = { ruleId: "rule1", opId: "op1", instanceId: 2 };
    expect(dataUrl("/tmp", meta)).toBe("ipc:///tmp/rule1_op1_2.ipc");
    expect(dataUrl("/tmp", meta, "_ack")).toBe("ipc:///tmp/rule1_op1_2_ack.ipc");
  });

  test("a path of 107 bytes is accepted and one of 108 is refused naming the plugin", () => {
    const fits = "a".repeat(107 - "/tmp/plugin_.ipc".length);
    expect(controlUrl("/tmp", fits)).toBe(`ipc:///tmp/plugin_${fits}.ipc`);
    expect(() => controlUrl("/tmp", `${fits}b`)).toThrow(
      `the socket path of portable plugin ${fits}b is 108 bytes`,
    );
  });

  test("a rule id with a slash or a long op id is refused with what to shorten", () => {
    const meta = { ruleId: "a/b", opId: "op", instanceId: 0 };
    expect(() => dataUrl("/tmp", meta)).toThrow('rule id "a/b" cannot name a socket file');
    const long = { ruleId: "r", opId: "o".repeat(100), instanceId: 0 };
    expect(() => dataUrl("/tmp", long)).toThrow("shorten the rule id or the op id");
  });

  test("a frame of exactly 1 MiB passes and one byte more is refused", () => {
    expect(() => checkFrameSize(1_048_572, 4, "x")).not.toThrow();
    expect(() => checkFrameSize(1_048_573, 4, "the Exec call")).toThrow(
      "the Exec call is 1048577 bytes on the wire; Go plugins drop the connection past 1048576 bytes (1 MiB)",
    );
  });
});
