// FleetAgent: follows the retained desired state of its groups and itself, and reports over MQTT.
import type { FleetConfig } from "../../config/fleet-schema.ts";
import type { InstallContext } from "../../install/context.ts";
import type { Logger } from "../../log/logger.ts";
import { applyDesired } from "./apply-desired.ts";
import { type ApplyReport, type PluginResult, unreadable } from "./apply-report.ts";
import { type Desired, parseDesired } from "./desired.ts";
import { DesiredQueue, type Winner } from "./desired-queue.ts";
import { fleetTopics } from "./fleet-topics.ts";
import {
  type AgentState,
  applyEvents,
  type FleetAgentReport,
  type GatewayEvent,
  type GatewayStatus,
  gatewayStatus,
  type PortableSummary,
  portableEvents,
  portableSummaries,
} from "./gateway-status.ts";
import { MqttSession } from "./mqtt-session.ts";

export interface FleetAgentOptions {
  ctx: InstallContext;
  config: FleetConfig;
  publicKey: CryptoKey | undefined;
  tls: { cert?: string; key?: string; ca?: string };
  version: string;
  /** How often the portables are looked at for crashes (default 2 s). */
  watchMs?: number;
}

/** One per plugd with `fleet.url` set; start() once, stop() once. */
export class FleetAgent {
  readonly #o: FleetAgentOptions;
  readonly #log: Logger;
  readonly #topics: ReturnType<typeof fleetTopics>;
  readonly #session: MqttSession;
  readonly #queue: DesiredQueue;
  #state: AgentState;
  #applied: string;
  #desired = "";
  #lastApply: ApplyReport | null;
  /** The plan of the apply running now (empty otherwise). */
  #plan: PluginResult[] = [];
  #portables: PortableSummary[] = [];
  #watch: ReturnType<typeof setInterval> | undefined;

  constructor(options: FleetAgentOptions) {
    this.#o = options;
    const { config, ctx } = options;
    this.#log = ctx.logger.child({ module: "fleet-agent" });
    this.#topics = fleetTopics(config);
    const stored = ctx.store.fleet.get();
    this.#applied = stored.appliedSha256;
    this.#lastApply = (stored.lastApply as ApplyReport | null) ?? null;
    this.#state = this.#lastApply?.state ?? "idle";
    this.#queue = new DesiredQueue(this.#topics.desired, (winner) =>
      // applyDesired reports its failures; this catches a fault of the agent itself (a store
      // that cannot be written, say), which must not end plugd.
      this.#apply(winner).catch((err: unknown) => {
        this.#state = "failed";
        this.#log.error("the fleet agent could not handle a desired state", { error: err });
      }),
    );
    this.#session = new MqttSession({
      ...config,
      tls: options.tls,
      topics: this.#topics.desired,
      will: () => ({ topic: this.#topics.status, payload: JSON.stringify(this.#status(false)) }),
      onConnected: () => void this.#publishStatus(),
      onMessage: (topic, payload) => this.#queue.offer(topic, payload),
      logger: this.#log,
    });
  }

  /** Connects (in the background) and watches the portables. */
  start(): void {
    const { url, clientId, groups } = this.#o.config;
    this.#log.info("joining the fleet", { url, clientId, groups });
    this.#portables = portableSummaries(this.#o.ctx);
    this.#watch = setInterval(() => this.#lookAtPortables(), this.#o.watchMs ?? 2000);
    this.#session.start();
  }

  /** Resolves once no apply is running. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Stops watching, says offline (retained) and disconnects; call after idle() (or its timeout). */
  async stop(): Promise<void> {
    clearInterval(this.#watch);
    const last = { topic: this.#topics.status, payload: JSON.stringify(this.#status(false)) };
    await this.#session.stop(last);
  }

  report(): FleetAgentReport {
    const { config } = this.#o;
    return {
      enabled: true,
      connection: this.#session.state,
      broker: config.url,
      protocolVersion: this.#session.protocolVersion === 5 ? "5" : "3.1.1",
      clientId: config.clientId,
      groups: [...config.groups],
      prefix: config.prefix,
      signatureRequired: this.#o.publicKey !== undefined,
      state: this.#state,
      appliedSha256: this.#applied,
      desiredSha256: this.#desired,
      lastApply: this.#lastApply,
      lastError: this.#session.lastError,
    };
  }

  async #apply(winner: Winner): Promise<void> {
    let desired: Desired | undefined;
    try {
      desired = parseDesired(winner.payload);
    } catch (err) {
      await this.#finish(unreadable(winner, err));
      return;
    }
    if (!desired) return;
    this.#desired = desired.sha256;
    const before = this.#state;
    // Said on the broker once the plan is known (deps.applying): one "applying" status per apply.
    this.#state = "applying";
    const deps = {
      ctx: this.#o.ctx,
      gatewayId: this.#o.config.clientId,
      publicKey: this.#o.publicKey,
      applying: (_sha256: string, plan: PluginResult[]) => {
        this.#plan = plan;
        void this.#publishStatus();
      },
    };
    const report = await applyDesired(deps, desired, winner.topic);
    if (report) return await this.#finish(report);
    // Applied already (a reconnect, a restart): said again only when the state was another.
    this.#state = "applied";
    if (before !== "applied") await this.#publishStatus();
  }

  async #finish(report: ApplyReport): Promise<void> {
    this.#lastApply = report;
    this.#plan = [];
    if (report.state === "applied") this.#applied = report.sha256;
    this.#state = report.state;
    const level = report.state === "failed" ? "warn" : "info";
    this.#log[level](`desired state ${report.state}`, {
      sha256: report.sha256,
      source: report.source,
      ...(report.error === undefined ? {} : { error: report.error }),
    });
    for (const event of applyEvents(report, this.#o.config.clientId)) await this.#event(event);
    await this.#publishStatus();
  }

  #lookAtPortables(): void {
    const now = portableSummaries(this.#o.ctx);
    const events = portableEvents(this.#portables, now, this.#o.config.clientId);
    const changed = JSON.stringify(now) !== JSON.stringify(this.#portables);
    this.#portables = now;
    for (const event of events) void this.#event(event);
    if (changed) void this.#publishStatus();
  }

  async #event(event: GatewayEvent): Promise<void> {
    await this.#session.publish(this.#topics.events, JSON.stringify(event), false);
  }

  async #publishStatus(): Promise<void> {
    let payload: string;
    try {
      payload = JSON.stringify(this.#status(true));
    } catch (err) {
      this.#log.error("the fleet status could not be built", { error: err });
      return;
    }
    await this.#session.publish(this.#topics.status, payload, true);
  }

  #status(online: boolean): GatewayStatus {
    const { config, version, ctx } = this.#o;
    return gatewayStatus(ctx, {
      online,
      gatewayId: config.clientId,
      version,
      groups: config.groups,
      state: this.#state,
      appliedSha256: this.#applied,
      desiredSha256: this.#desired,
      lastApply: this.#lastApply,
      applyingPlan: this.#plan,
    });
  }
}
