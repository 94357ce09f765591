// What a REST client receives from a source stream, and what every REST session reports.
import type { SymbolControl } from "../portable/commands.ts";
import type { SourceMessage } from "../portable/data-channels.ts";

/** One thing a stream subscriber is told. */
export type StreamEvent =
  | { readonly kind: "message"; readonly data: SourceMessage }
  | { readonly kind: "restart" }
  | { readonly kind: "end"; readonly reason: string };

/** A client of a source stream, fed by the hub. */
export interface Subscriber {
  /** The client's address, for the sessions list. */
  readonly client: string | undefined;
  /** Takes an event; false when the client's queue is full, after which the hub ends it. */
  push(event: StreamEvent): boolean;
  /** Sends a last `end` event with `reason` and closes; the hub has already let it go. */
  end(reason: string): void;
}

/** What a session of a started symbol counts, for sessionOf(). */
export interface SessionCounts {
  readonly control: SymbolControl;
  readonly since: string;
  readonly messages: number;
  readonly bytes: number;
}

/** The sessions-list row of a symbol start. */
export function sessionOf(
  kind: SessionInfo["kind"],
  counts: SessionCounts,
  clients: string[],
): SessionInfo {
  const { control } = counts;
  return {
    id: control.meta?.ruleId ?? "",
    kind,
    symbol: control.symbolName,
    properties: { ...control.config },
    since: counts.since,
    messages: counts.messages,
    bytes: counts.bytes,
    clients,
  };
}

/** A row of GET /plugins/portables/{plugin}/sessions. */
export interface SessionInfo {
  /** The rule id the session's symbol start carries ("rest-3"), as refCount shows it. */
  readonly id: string;
  readonly kind: "source" | "sink" | "function";
  readonly symbol: string;
  readonly properties: Record<string, unknown>;
  readonly since: string;
  readonly messages: number;
  readonly bytes: number;
  readonly clients: string[];
}
