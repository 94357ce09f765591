// The options and status of a PortablePlugin, apart so the class file stays readable.

import type { Logger } from "../log/logger.ts";
import type { BackoffOptions } from "../supervisor/backoff.ts";
import type { Clock } from "../supervisor/clock.ts";
import type { SpawnFn } from "../supervisor/spawn.ts";
import type { SupervisorStatus } from "../supervisor/supervisor-api.ts";
import type { SourceListener } from "./data-channels.ts";
import type { PortableManifest } from "./manifest.ts";

export interface PortablePluginOptions {
  readonly name: string;
  readonly manifest: PortableManifest;
  /** Absolute `plugins/portable/<name>`: the executable's folder and working directory. */
  readonly dir: string;
  /** `portable.pythonBin`. */
  readonly pythonBin: string;
  /** `portable.initTimeout`: how long each process has to send its handshake. */
  readonly initTimeoutMs: number;
  /** `portable.stopTimeout`: SIGTERM to SIGKILL. */
  readonly stopTimeoutMs: number;
  /** How long a start/stop command, or a sink send, waits for the plugin (default 10 s). */
  readonly commandTimeoutMs?: number;
  /** The process's whole environment (plugd passes its own through, as eKuiper does). */
  readonly env: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Where the sockets live; default /tmp, hard-coded in eKuiper's SDKs. */
  readonly socketDir?: string;
  /** Pid file for `killOrphans`; a process recorded there by an earlier run is ended at start. */
  readonly pidFile?: string;
  /** Drives back-off and the stop grace; the handshake and command deadlines use real time. */
  readonly clock?: Clock;
  readonly spawn?: SpawnFn;
  readonly backoff?: Partial<BackoffOptions>;
  /** Hears every message the plugin's running sources push. */
  readonly onSourceData?: SourceListener;
  /** Told when a new process has shaken hands after a crash and had its starts replayed. */
  readonly onRestarted?: () => void;
  /** Look through /proc for leftover processes of this plugin at start (default true). */
  readonly sweepOrphans?: boolean;
  /** The pids of every plugin process this plugd runs (the host's), never taken for orphans. */
  readonly ownedPids?: Set<number>;
}

/** What `GET /plugins/portables/{name}/status` shows, plus restart facts. */
export interface PortableStatus {
  refCount: Record<string, number>;
  status: SupervisorStatus;
  errMsg: string;
  pid: number;
  restarts: number;
  startedAt: string | null;
}
