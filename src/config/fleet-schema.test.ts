// The fleet section: off by default, checked at load with errors that name the key.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./load.ts";

function load(env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), "plugd-fleet-config-"));
  try {
    return loadConfig({ home, env });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("fleet configuration", () => {
  test("is off by default, with the host name as gateway id", () => {
    expect(load({}).fleet).toMatchObject({
      url: "",
      clientId: hostname(),
      groups: [],
      prefix: "plugd",
      reconnectMinMs: 1000,
      reconnectMaxMs: 30_000,
    });
  });

  test("takes a broker URL and groups from the environment", () => {
    const fleet = load({
      PLUGD__FLEET__URL: "mqtts://broker:8883",
      PLUGD__FLEET__GROUPS: "a,b",
    }).fleet;
    expect(fleet).toMatchObject({ url: "mqtts://broker:8883", groups: ["a", "b"] });
  });

  test.each([
    [{ PLUGD__FLEET__URL: "http://broker" }, "fleet.url: the scheme must be mqtt://"],
    [
      { PLUGD__FLEET__URL: "mqtt://u:secret@broker" },
      "fleet.url: put the password in fleet.password",
    ],
    [{ PLUGD__FLEET__GROUPS: "a/b" }, 'fleet.groups: "a/b" must be a non-empty MQTT topic level'],
    [{ PLUGD__FLEET__CLIENTID: "gw+1" }, "fleet.clientId"],
    [{ PLUGD__FLEET__RECONNECTMIN: "1m" }, "fleet.reconnectMax: is shorter than reconnectMin"],
    [{ PLUGD__FLEET__CERTFILE: "c.pem" }, "fleet.certfile: set both certfile and keyfile"],
  ])("%p is refused: %s", (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
