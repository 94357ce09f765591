// DataPlane: what lets REST clients use running portable plugins; the portable host reports to it.
import type { Logger } from "../log/logger.ts";
import type { SymbolMeta } from "../portable/commands.ts";
import type { SourceMessage } from "../portable/data-channels.ts";
import type { PortableEvents } from "../portable/portable-host.ts";
import { FunctionCalls } from "./function-calls.ts";
import type { SessionInfo } from "./session.ts";
import { SessionIds } from "./session-ids.ts";
import { SinkPool } from "./sink-pool.ts";
import { SourceHub } from "./source-hub.ts";

export interface DataPlaneOptions {
  /** Bytes queued for a stream client that does not read before it is ended. */
  readonly queueBytes: number;
  /** How often an SSE stream sends a keep-alive comment. */
  readonly keepAliveMs: number;
  /** How long a sink instance stays open after its last send. */
  readonly sinkIdleMs: number;
}

/** The source streams, sink instances and function calls of every portable plugin. */
export class DataPlane implements PortableEvents {
  readonly options: DataPlaneOptions;
  readonly sources: SourceHub;
  readonly sinks: SinkPool;
  readonly functions: FunctionCalls;

  constructor(logger: Logger, options: DataPlaneOptions) {
    this.options = options;
    const ids = new SessionIds();
    this.sources = new SourceHub(logger, ids);
    this.sinks = new SinkPool(logger, ids, options.sinkIdleMs);
    this.functions = new FunctionCalls(ids);
  }

  sourceData(plugin: string, meta: SymbolMeta, data: SourceMessage, bytes: number): void {
    this.sources.deliver(plugin, meta, data, bytes);
  }

  restarted(plugin: string): void {
    this.sources.restarted(plugin);
  }

  stopped(plugin: string, reason: string): void {
    this.sources.stopped(plugin, reason);
    this.sinks.stopped(plugin);
    this.functions.stopped(plugin);
  }

  /** Every REST session of the plugin. */
  sessions(plugin: string): SessionInfo[] {
    return [
      ...this.sources.sessions(plugin),
      ...this.sinks.sessions(plugin),
      ...this.functions.sessions(plugin),
    ];
  }
}
