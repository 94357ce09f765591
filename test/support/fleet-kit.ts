// Fleet tests: gateways as plugd processes, and an MQTT client that publishes desired states and reads statuses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { brokerOptions } from "../../src/fleet/agent/broker-options.ts";
import { parseDesired, signedText } from "../../src/fleet/agent/desired.ts";
import { importPrivateKey, signText } from "../../src/fleet/agent/signature.ts";
import { type PlugdProcess, plugdFromSource, spawnPlugd } from "./plugd-process.ts";
import { waitFor } from "./wait.ts";

export interface GatewayOptions {
  broker: string;
  id: string;
  groups?: string[];
  /** More lines of the fleet section, e.g. `  publicKey: ...`. */
  fleet?: string[];
  /** Reuse a home (a restarted gateway). */
  home?: string;
}

export interface Gateway extends AsyncDisposable {
  readonly id: string;
  readonly home: string;
  readonly plugd: PlugdProcess;
  /** GET path on the gateway's REST API, as JSON. */
  get(path: string): Promise<unknown>;
  /** SIGTERM, and waits for the exit (keeping the home). */
  stop(): Promise<number>;
}

/** A plugd process in the fleet at `broker` as gateway `id`; disposing it kills it and removes the home. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), `plugd-gw-${options.id}-`));
  mkdirSync(join(home, "etc"), { recursive: true });
  const config = [
    "portable:",
    "  cgroups: false",
    "fleet:",
    `  url: ${options.broker}`,
    `  clientId: ${options.id}`,
    `  groups: [${(options.groups ?? ["lab"]).join(", ")}]`,
    "  reconnectMin: 100ms",
    "  reconnectMax: 1s",
    ...(options.fleet ?? []),
  ];
  writeFileSync(join(home, "etc", "plugd.yaml"), `${config.join("\n")}\n`);
  const plugd = await spawnPlugd(plugdFromSource(home));
  const stop = async () => {
    plugd.proc.kill("SIGTERM");
    return await plugd.exited();
  };
  return {
    id: options.id,
    home,
    plugd,
    get: async (path) => (await fetch(`${plugd.url}${path}`)).json() as Promise<unknown>,
    stop,
    [Symbol.asyncDispose]: async () => {
      await plugd[Symbol.asyncDispose]();
      if (options.home === undefined) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A gateway's retained status, as the tests read it. */
export interface SeenStatus {
  online: boolean;
  gatewayId: string;
  state: string;
  appliedSha256: string;
  desiredSha256: string;
  lastApply: {
    state: string;
    sha256: string;
    error?: string;
    plan: { key: string; result: string }[];
  } | null;
  [key: string]: unknown;
}

export interface FleetWatcher extends AsyncDisposable {
  readonly client: MqttClient;
  /** The latest status of each gateway. */
  statuses: Map<string, SeenStatus>;
  /** Every status seen, in order. */
  statusLog: SeenStatus[];
  /** Every event seen, in order. */
  events: Record<string, unknown>[];
  /** Publishes a retained desired state (an empty payload clears it). */
  publish(topic: string, payload: string): Promise<void>;
  /** Waits until the status of each of `ids` satisfies `check`. */
  until(ids: readonly string[], check: (s: SeenStatus) => boolean, what: string): Promise<void>;
}

/** An MQTT client on `broker` that follows every gateway's status and events under `prefix`. */
export async function watchFleet(
  broker: string,
  prefix = "plugd",
  options: mqtt.IClientOptions = {},
): Promise<FleetWatcher> {
  const client = await mqtt.connectAsync({
    ...brokerOptions(broker),
    reconnectPeriod: 200,
    ...options,
  });
  const statuses = new Map<string, SeenStatus>();
  const events: Record<string, unknown>[] = [];
  const statusLog: SeenStatus[] = [];
  client.on("message", (topic, payload) => {
    const [, , id, kind] = topic.split("/");
    if (id === undefined || payload.length === 0) return;
    const value = JSON.parse(payload.toString()) as Record<string, unknown>;
    if (kind === "status") {
      statuses.set(id, value as SeenStatus);
      statusLog.push(value as SeenStatus);
    }
    if (kind === "events") events.push(value);
  });
  await client.subscribeAsync([`${prefix}/gateways/+/status`, `${prefix}/gateways/+/events`], {
    qos: 1,
  });
  return {
    client,
    statuses,
    statusLog,
    events,
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1, retain: true });
    },
    until: (ids, check, what) =>
      waitFor(
        () =>
          ids.every((id) => {
            const status = statuses.get(id);
            return status !== undefined && check(status);
          }),
        what,
        60_000,
      ),
    [Symbol.asyncDispose]: async () => {
      await client.endAsync(true);
    },
  };
}

/** The v2 export of native plugins `name → zip URL`, as a desired document's text. */
export function exportDocument(plugins: Record<string, string>): string {
  const nativePlugins = Object.fromEntries(
    Object.entries(plugins).map(([key, file]) => [
      key,
      { name: key.slice(key.indexOf("_") + 1), file },
    ]),
  );
  return JSON.stringify({ nativePlugins });
}

/** `envelope` (the document or url form, with `issued`) signed by `privatePem` as the CLI signs. */
export async function signEnvelope(
  privatePem: string,
  envelope: Record<string, unknown>,
): Promise<string> {
  const desired = parseDesired(new TextEncoder().encode(JSON.stringify(envelope)));
  if (!desired) throw new Error("an empty envelope cannot be signed");
  const signature = await signText(await importPrivateKey(privatePem), signedText(desired));
  return JSON.stringify({ ...envelope, signature });
}
