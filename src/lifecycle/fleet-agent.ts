// The fleet agent as a part of plugd: checked before listening, started after the boot, stopped first.
import { readFileSync } from "node:fs";
import type { FleetConfig } from "../config/fleet-schema.ts";
import { ConfigError } from "../config/load.ts";
import { describeError } from "../errors.ts";
import type { FleetAgentReport } from "../fleet/agent/fleet-agent.ts";
import type { InstallContext } from "../install/context.ts";
import type { StopStack } from "./stop-stack.ts";

/** What GET /fleet answers, with or without an agent. */
export interface FleetView {
  report(): FleetAgentReport | { enabled: false };
}

/** The prepared agent: start() after the boot registers its stop. */
export interface FleetPart extends FleetView {
  start(stops: StopStack): void;
}

/**
 * Off (`fleet.url` empty): a view that says so, and nothing loaded. On: reads the public key
 * and TLS files and builds the agent, which loads MQTT.js only when it connects.
 * @throws ConfigError naming the key of a file or key that cannot be read.
 */
export async function prepareFleetAgent(ctx: InstallContext, version: string): Promise<FleetPart> {
  const { fleet } = ctx.config;
  if (fleet.url === "") return { report: () => ({ enabled: false }), start: () => undefined };
  const publicKey = await readPublicKey(fleet, ctx.config.configFile);
  const { FleetAgent } = await import("../fleet/agent/fleet-agent.ts");
  const agent = new FleetAgent({ ctx, config: fleet, publicKey, tls: readTls(fleet), version });
  return {
    report: () => agent.report(),
    start: (stops) => {
      agent.start();
      stops.push(() => agent.stop());
    },
  };
}

async function readPublicKey(
  fleet: FleetConfig,
  configFile: string,
): Promise<CryptoKey | undefined> {
  if (fleet.publicKey === "") return undefined;
  const { importPublicKey } = await import("../fleet/agent/signature.ts");
  try {
    return await importPublicKey(fleet.publicKey);
  } catch (err) {
    throw new ConfigError(`${configFile}: fleet.publicKey: ${describeError(err)}`);
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
