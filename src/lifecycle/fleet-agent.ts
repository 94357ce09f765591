// The fleet agent as a part of plugd: checked before listening, started after the boot, stopped first.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FleetConfig } from "../config/fleet-schema.ts";
import { ConfigError } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { describeError } from "../errors.ts";
import type { FleetAgentReport } from "../fleet/agent/gateway-status.ts";
import type { InstallContext } from "../install/context.ts";
import { type StopStack, settlesWithin } from "./stop-stack.ts";

/** What GET /fleet answers, with or without an agent. */
export interface FleetView {
  report(): FleetAgentReport | { enabled: false };
}

/** The prepared agent: start() after the boot registers its stop. */
export interface FleetPart extends FleetView {
  /** Connects in the background; its stop (bounded by `stopTimeoutMs`) goes on `stops`. */
  start(stops: StopStack, stopTimeoutMs: number): void;
}

/** What the agent needs from files and keys, read before anything opens. */
export interface FleetSetup {
  publicKey: CryptoKey | undefined;
  tls: { cert?: string; key?: string; ca?: string };
}

/**
 * Reads and checks the fleet's public key and TLS files; undefined when `fleet.url` is empty.
 * Called before the store opens, so a bad file stops the start with nothing to close.
 * @throws ConfigError naming the key of a file or key that cannot be read.
 */
export async function readFleetSetup(config: Config): Promise<FleetSetup | undefined> {
  const { fleet } = config;
  if (fleet.url === "") return undefined;
  return { publicKey: await readPublicKey(fleet, config), tls: readTls(fleet) };
}

/**
 * Off (no setup): a view that says so, and nothing loaded. On: the agent, which loads MQTT.js
 * only when it connects.
 */
export async function prepareFleetAgent(
  ctx: InstallContext,
  setup: FleetSetup | undefined,
  version: string,
): Promise<FleetPart> {
  if (!setup) return { report: () => ({ enabled: false }), start: () => undefined };
  const { FleetAgent } = await import("../fleet/agent/fleet-agent.ts");
  const agent = new FleetAgent({ ctx, config: ctx.config.fleet, ...setup, version });
  return {
    report: () => agent.report(),
    start: (stops, stopTimeoutMs) => {
      agent.start();
      stops.push(async () => {
        // An apply cut short is rolled back by the install journal at the next start.
        if (!(await settlesWithin(agent.idle(), stopTimeoutMs))) {
          ctx.logger.warn("a fleet apply is still running at the stop timeout; stopping anyway", {
            module: "fleet-agent",
            stopTimeoutMs,
          });
        }
        await agent.stop();
      });
    },
  };
}

async function readPublicKey(fleet: FleetConfig, config: Config): Promise<CryptoKey | undefined> {
  if (fleet.publicKey === "") return undefined;
  const { importPublicKey } = await import("../fleet/agent/signature.ts");
  // A file named relative to the home folder, as the other files of the configuration are.
  const file = resolve(config.home, fleet.publicKey.trim());
  const text = !fleet.publicKey.includes("-----BEGIN") && existsSync(file) ? file : fleet.publicKey;
  try {
    return await importPublicKey(text);
  } catch (err) {
    throw new ConfigError(`${config.configFile}: fleet.publicKey: ${describeError(err)}`);
  }
}

function readTls(fleet: FleetConfig): { cert?: string; key?: string; ca?: string } {
  const read = (key: string, path: string) => {
    if (path === "") return {};
    try {
      return { [key]: readFileSync(path, "utf8") };
    } catch (err) {
      throw new ConfigError(`fleet.${key}file: cannot read ${path}: ${describeError(err)}`);
    }
  };
  return {
    ...read("cert", fleet.certfile),
    ...read("key", fleet.keyfile),
    ...read("ca", fleet.cafile),
  };
}
