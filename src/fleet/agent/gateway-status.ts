// The retained status a gateway publishes, and the events its changes make.
import { nativeTypes } from "../../config/home.ts";
import type { InstallContext } from "../../install/context.ts";
import type { ApplyReport, PluginResult } from "./apply-report.ts";
import type { LinkState } from "./mqtt-session.ts";

/** The agent's state: idle before any desired state, applying during one, else the last outcome. */
export type AgentState = "idle" | "applying" | ApplyReport["state"];

export interface PortableSummary {
  name: string;
  status: string;
  restarts: number;
  errMsg: string;
}

/** `<prefix>/gateways/<id>/status` (retained). */
export interface GatewayStatus {
  online: boolean;
  gatewayId: string;
  version: string;
  arch: string;
  groups: readonly string[];
  state: AgentState;
  appliedSha256: string;
  /** The sha256 of the desired state being applied, or last seen. */
  desiredSha256: string;
  lastApply: ApplyReport | null;
  /** While applying: the plan being applied (changes "pending"); else empty. */
  applyingPlan: PluginResult[];
  /** Every installed plugin by its export key (`sinks_file`, or a portable's name). */
  plugins: string[];
  portables: PortableSummary[];
  at: string;
}

/** GET /fleet of a gateway in a fleet. */
export interface FleetAgentReport {
  enabled: true;
  connection: LinkState;
  broker: string;
  protocolVersion: "5" | "3.1.1";
  clientId: string;
  groups: string[];
  prefix: string;
  signatureRequired: boolean;
  state: AgentState;
  appliedSha256: string;
  desiredSha256: string;
  lastApply: ApplyReport | null;
  lastError: string;
}

/** One line of `<prefix>/gateways/<id>/events` (not retained). */
export interface GatewayEvent {
  type:
    | "installed"
    | "updated"
    | "removed"
    | "apply-failed"
    | "refused"
    | "deferred"
    | "plugin-crashed"
    | "crash-loop";
  gatewayId: string;
  at: string;
  sha256?: string;
  plugin?: string;
  message?: string;
  restarts?: number;
}

/** The status: the agent's `parts`, with the arch, plugins, portables and time added. */
export function gatewayStatus(
  ctx: InstallContext,
  parts: Omit<GatewayStatus, "arch" | "plugins" | "portables" | "at">,
): GatewayStatus {
  return {
    ...parts,
    arch: process.arch,
    plugins: installedPlugins(ctx),
    portables: portableSummaries(ctx),
    at: new Date().toISOString(),
  };
}

/** The keys of every installed plugin, as the export names them. */
export function installedPlugins(ctx: InstallContext): string[] {
  const native = nativeTypes.flatMap((type) =>
    ctx.store.plugins.names(type).map((n) => `${type}_${n}`),
  );
  return [...native, ...ctx.store.plugins.names("portables")];
}

/** Each installed portable plugin's status and restarts. */
export function portableSummaries(ctx: InstallContext): PortableSummary[] {
  return ctx.store.plugins.names("portables").map((name) => {
    const { status, restarts, errMsg } = ctx.portables.status(name);
    return { name, status, restarts, errMsg };
  });
}

const changeEvents: Record<string, GatewayEvent["type"]> = {
  install: "installed",
  update: "updated",
  remove: "removed",
};

/** The events of an apply's report: one per changed plugin, or why it failed or waits. */
export function applyEvents(report: ApplyReport, gatewayId: string): GatewayEvent[] {
  const base = { gatewayId, at: report.at, sha256: report.sha256 };
  if (report.state === "deferred") return [{ ...base, type: "deferred" }];
  if (report.state === "failed") {
    const refused = report.error?.startsWith("refused") === true;
    return [{ ...base, type: refused ? "refused" : "apply-failed", message: report.error ?? "" }];
  }
  return report.plan.flatMap((row) => {
    const type = changeEvents[row.action];
    return type && row.result === "done" ? [{ ...base, type, plugin: row.key }] : [];
  });
}

/** The events between two looks at the portables: a restart is a crash; giving up is a crash loop. */
export function portableEvents(
  before: readonly PortableSummary[],
  now: readonly PortableSummary[],
  gatewayId: string,
): GatewayEvent[] {
  const at = new Date().toISOString();
  const events: GatewayEvent[] = [];
  for (const plugin of now) {
    // A plugin installed since the last look started with no restarts.
    const old = before.find((p) => p.name === plugin.name) ?? {
      restarts: 0,
      status: "",
      errMsg: "",
    };
    if (plugin.restarts > old.restarts) {
      events.push({
        type: "plugin-crashed",
        gatewayId,
        at,
        plugin: plugin.name,
        restarts: plugin.restarts,
      });
    }
    const gaveUp = plugin.status === "error" && plugin.errMsg.startsWith("gave up");
    if (gaveUp && !(old.status === "error" && old.errMsg.startsWith("gave up"))) {
      events.push({
        type: "crash-loop",
        gatewayId,
        at,
        plugin: plugin.name,
        message: plugin.errMsg,
      });
    }
  }
  return events;
}
