// Tests of the prebuilt plugin URL lists.
import { describe, expect, test } from "bun:test";
import { prebuildList } from "./prebuild.ts";

const settings = {
  pluginHosts: "https://a.example,https://b.example/",
  version: "2.0.0",
  names: { sources: ["random"], sinks: ["zmq", "sql"], functions: [] },
};

describe("prebuildList", () => {
  test("uses debian unless os-release says Alpine, and Go's arch name", () => {
    const debian = { os: "linux", arch: "arm64", osRelease: 'PRETTY_NAME="Debian GNU/Linux 12"' };
    expect(prebuildList("sources", settings, debian)).toEqual({
      random: "https://b.example/kuiper-plugins/2.0.0/debian/sources/random_arm64.zip",
    });
    const alpine = { os: "linux", arch: "amd64", osRelease: 'PRETTY_NAME="Alpine Linux v3.19"' };
    expect(prebuildList("sinks", settings, alpine)).toEqual({
      zmq: "https://b.example/kuiper-plugins/2.0.0/alpine/sinks/zmq_amd64.zip",
      sql: "https://b.example/kuiper-plugins/2.0.0/alpine/sinks/sql_amd64.zip",
    });
  });

  test("is a 400 that advises Linux on any other system", () => {
    const mac = { os: "darwin", arch: "arm64", osRelease: undefined };
    expect(() => prebuildList("sources", settings, mac)).toThrow("install plugins on Linux");
  });

  test("is a 400 when no host is configured", () => {
    const linux = { os: "linux", arch: "amd64", osRelease: undefined };
    expect(() => prebuildList("sources", { ...settings, pluginHosts: " , " }, linux)).toThrow(
      "basic.pluginHosts",
    );
  });
});
