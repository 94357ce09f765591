// DataPlane: what lets REST clients use running portable plugins; the portable host reports to it.
import type { Logger } from "../log/logger.ts";
import type { SymbolMeta } from "../portable/commands.ts";
import type { SourceMessage } from "../portable/data-channels.ts";
import type { PortableEvents } from "../portable/portable-host.ts";
import type { SessionInfo } from "./session.ts";
import { SessionIds } from "./session-ids.ts";
import { SourceHub } from "./source-hub.ts";

export interface DataPlaneOptions {
  /** Bytes queued for a stream client that does not read before it is ended. */
  readonly queueBytes: number;
  /** How often an SSE stream sends a keep-alive comment. */
  readonly keepAliveMs: number;
}

/** The source streams (and their sessions) of every portable plugin. */
export class DataPlane implements PortableEvents {
  readonly options: DataPlaneOptions;
  readonly sources: SourceHub;

  constructor(logger: Logger, options: DataPlaneOptions) {
    this.options = options;
    this.sources = new SourceHub(logger, new SessionIds());
  }

  sourceData(plugin: string, meta: SymbolMeta, data: SourceMessage, bytes: number): void {
    this.sources.deliver(plugin, meta, data, bytes);
  }

  restarted(plugin: string): void {
    this.sources.restarted(plugin);
  }

  stopped(plugin: string, reason: string): void {
    this.sources.stopped(plugin, reason);
  }

  /** Every REST session of the plugin. */
  sessions(plugin: string): SessionInfo[] {
    return this.sources.sessions(plugin);
  }

  /** Per session id, its clients: what the plugin's refCount adds for REST. */
  refCount(plugin: string): Record<string, number> {
    return Object.fromEntries(this.sessions(plugin).map((s) => [s.id, s.clients.length]));
  }
}
