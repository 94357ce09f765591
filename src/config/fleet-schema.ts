// The `fleet` section: the MQTT broker a gateway joins, its groups, and the key desired states are signed with.
import { hostname } from "node:os";
import { Type as T } from "@sinclair/typebox";
import { ConfigError } from "./config-error.ts";
import { parseDuration } from "./units.ts";

const Duration = T.Union([T.String(), T.Number({ minimum: 0 })]);

/** The keys of `fleet` in etc/plugd.yaml. */
export const fleetProperties = {
  url: T.String({
    description: "mqtt://, mqtts://, ws:// or wss:// URL of the broker; empty: off",
  }),
  clientId: T.String({ description: "the gateway id and MQTT client id; empty: the host name" }),
  groups: T.Array(T.String(), { description: "groups whose desired state this gateway follows" }),
  username: T.String(),
  password: T.String(),
  certfile: T.String({ description: "PEM client certificate for mqtts:// or wss://" }),
  keyfile: T.String({ description: "PEM key of certfile" }),
  cafile: T.String({ description: "PEM CA the broker's certificate must chain to" }),
  prefix: T.String({ description: "the first level of every topic" }),
  publicKey: T.String({ description: "Ed25519 key (PEM, base64 raw, or a file of either)" }),
  reconnectMin: Duration,
  reconnectMax: Duration,
} as const;

export const fleetDefaults = {
  url: "",
  clientId: "",
  groups: [] as string[],
  username: "",
  password: "",
  certfile: "",
  keyfile: "",
  cafile: "",
  prefix: "plugd",
  publicKey: "",
  reconnectMin: "1s" as string | number,
  reconnectMax: "30s" as string | number,
};

/** The fleet agent's settings; `url` empty means the agent is off. */
export interface FleetConfig {
  /** The broker; "" when plugd joins no fleet. */
  readonly url: string;
  /** The gateway id: MQTT client id and topic level (default: the host name). */
  readonly clientId: string;
  readonly groups: readonly string[];
  readonly username: string;
  readonly password: string;
  /** Absolute paths, or "" for none. */
  readonly certfile: string;
  readonly keyfile: string;
  readonly cafile: string;
  readonly prefix: string;
  /** The key text as configured (read and checked when the agent starts), or "". */
  readonly publicKey: string;
  /** First and longest wait between connection attempts. */
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
}

const schemes = ["mqtt:", "mqtts:", "ws:", "wss:"];

/**
 * Checks and resolves `fleet`: the URL's scheme, topic levels without MQTT wildcards,
 * durations. Relative file paths are under `home`.
 * @throws ConfigError naming the key.
 */
export function resolveFleet(
  raw: typeof fleetDefaults,
  home: string,
  configFile: string,
): FleetConfig {
  const fail = (key: string, why: string) => new ConfigError(`${configFile}: fleet.${key}: ${why}`);
  if (raw.url !== "") checkUrl(raw.url, fail);
  const clientId = raw.clientId === "" ? hostname() : raw.clientId;
  checkLevel(clientId, "clientId", fail);
  checkLevel(raw.prefix, "prefix", fail);
  for (const group of raw.groups) checkLevel(group, "groups", fail);
  const duration = (key: "reconnectMin" | "reconnectMax") => {
    const ms = parseDuration(raw[key]);
    if (ms === undefined || ms <= 0)
      throw fail(key, `${JSON.stringify(raw[key])} is not a duration`);
    return ms;
  };
  const reconnectMinMs = duration("reconnectMin");
  const reconnectMaxMs = duration("reconnectMax");
  if (reconnectMaxMs < reconnectMinMs) throw fail("reconnectMax", "is shorter than reconnectMin");
  if ((raw.certfile === "") !== (raw.keyfile === "")) {
    throw fail("certfile", "set both certfile and keyfile, or neither");
  }
  const file = (path: string) => (path === "" ? "" : resolvePath(home, path));
  return {
    ...raw,
    clientId,
    certfile: file(raw.certfile),
    keyfile: file(raw.keyfile),
    cafile: file(raw.cafile),
    reconnectMinMs,
    reconnectMaxMs,
  };
}

function resolvePath(home: string, path: string): string {
  return path.startsWith("/") ? path : `${home}/${path}`;
}

function checkUrl(url: string, fail: (key: string, why: string) => ConfigError): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail("url", `${JSON.stringify(url)} is not a URL`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw fail(
      "url",
      `the scheme must be mqtt://, mqtts://, ws:// or wss://, not ${parsed.protocol}//`,
    );
  }
  if (parsed.password !== "") throw fail("url", "put the password in fleet.password, not the URL");
}

/** A topic level: not empty, no `/`, `+`, `#` or NUL (they would change the topic's meaning). */
function checkLevel(value: string, key: string, fail: (key: string, why: string) => ConfigError) {
  if (value === "" || /[/+#\0]/.test(value)) {
    throw fail(key, `${JSON.stringify(value)} must be a non-empty MQTT topic level without / + #`);
  }
}
