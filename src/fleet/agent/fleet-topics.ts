// The MQTT topics of one gateway: what it follows and where it reports.
import type { FleetConfig } from "../../config/fleet-schema.ts";

export interface FleetTopics {
  /** The desired topics in priority order: the gateway's own, then each group's. */
  desired: string[];
  status: string;
  events: string;
}

/** `<prefix>/gateways/<id>/{desired,status,events}` and `<prefix>/groups/<group>/desired`. */
export function fleetTopics(
  config: Pick<FleetConfig, "prefix" | "clientId" | "groups">,
): FleetTopics {
  const gateway = `${config.prefix}/gateways/${config.clientId}`;
  return {
    desired: [
      `${gateway}/desired`,
      ...config.groups.map((g) => `${config.prefix}/groups/${g}/desired`),
    ],
    status: `${gateway}/status`,
    events: `${gateway}/events`,
  };
}
