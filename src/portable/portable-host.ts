// PortableHost: the live portable plugins of this plugd, by name, started and stopped together.
import { join } from "node:path";
import { describeError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import { cgroupSpawn } from "../supervisor/cgroup-spawn.ts";
import type { PluginCgroups } from "../supervisor/plugin-cgroups.ts";
import type { SymbolMeta } from "./commands.ts";
import type { SourceMessage } from "./data-channels.ts";
import type { PortableManifest } from "./manifest.ts";
import { PortablePlugin, type PortableStatus } from "./portable-plugin.ts";

export interface PortableHostOptions {
  /** `<home>/plugins/portable`: each plugin runs in its own folder below it. */
  pluginsDir: string;
  /** `<home>/data/pids`: one pid file per plugin, for ending orphans after a crash. */
  pidsDir: string;
  pythonBin: string;
  initTimeoutMs: number;
  stopTimeoutMs: number;
  env: Readonly<Record<string, string>>;
  logger: Logger;
  /** Default /tmp, where eKuiper's SDKs look for the sockets. */
  socketDir?: string;
  /** Told what the plugins' sources push and when a plugin restarts or stops (the data plane). */
  events?: PortableEvents;
  /**
   * The cgroups plugin processes run in, once decided: each then runs in a cgroup of its own
   * (else in a process group). A start waits for the decision; nothing else does.
   */
  cgroups?: Promise<PluginCgroups | undefined> | undefined;
}

/** What happens to running plugins, for those who use them over REST. */
export interface PortableEvents {
  sourceData(plugin: string, meta: SymbolMeta, data: SourceMessage, bytes: number): void;
  restarted(plugin: string): void;
  stopped(plugin: string, reason: string): void;
}

/** Keeps one PortablePlugin per installed portable plugin that should be running. */
export class PortableHost {
  readonly #plugins = new Map<string, PortablePlugin>();
  /** Why a plugin could not be started at boot; shown as its status until it is replaced. */
  readonly #bootErrors = new Map<string, string>();
  /** The pids of every plugin process running now, so no plugin's sweep takes one for an orphan. */
  readonly #ownedPids = new Set<number>();

  readonly #options: PortableHostOptions;

  constructor(options: PortableHostOptions) {
    this.#options = options;
  }

  get(name: string): PortablePlugin | undefined {
    return this.#plugins.get(name);
  }

  /** The live status, or an `error` status for a plugin that failed to start at boot. */
  status(name: string): PortableStatus {
    const plugin = this.#plugins.get(name);
    if (plugin) return plugin.status();
    const errMsg = this.#bootErrors.get(name) ?? "not started";
    return { refCount: {}, status: "error", errMsg, pid: 0, restarts: 0, startedAt: null };
  }

  /**
   * Starts a plugin from its folder and waits for its handshake; only then is it registered.
   * Throws (400, with the program's last output) when it does not start; nothing is left running.
   */
  async start(name: string, manifest: PortableManifest): Promise<PortablePlugin> {
    const plugin = this.#create(name, manifest, await this.#options.cgroups);
    await plugin.start();
    this.#plugins.set(name, plugin);
    this.#bootErrors.delete(name);
    return plugin;
  }

  /** start(), but a failure is logged and kept for the status instead of thrown (used at boot). */
  async startQuietly(name: string, manifest: PortableManifest): Promise<void> {
    try {
      await this.start(name, manifest);
    } catch (err) {
      this.#bootErrors.set(name, describeError(err));
      this.#options.logger.error(`portable plugin ${name} did not start`, { error: err });
    }
  }

  /** Stops the plugin's process and sockets and forgets it; its users are told `reason`. */
  async stop(name: string, reason = `portable plugin ${name} was stopped`): Promise<void> {
    const plugin = this.#plugins.get(name);
    this.#plugins.delete(name);
    this.#bootErrors.delete(name);
    await plugin?.stop();
    this.#options.events?.stopped(name, reason);
  }

  /** Stops every plugin (at shutdown). */
  async stopAll(): Promise<void> {
    const names = [...this.#plugins.keys()];
    await Promise.all(names.map((name) => this.stop(name, "plugd is stopping")));
  }

  #create(
    name: string,
    manifest: PortableManifest,
    cgroups: PluginCgroups | undefined,
  ): PortablePlugin {
    const options = this.#options;
    return new PortablePlugin({
      name,
      manifest,
      dir: join(options.pluginsDir, name),
      pythonBin: options.pythonBin,
      initTimeoutMs: options.initTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs,
      env: options.env,
      logger: options.logger,
      pidFile: join(options.pidsDir, `${name}.pid`),
      ownedPids: this.#ownedPids,
      ...(options.events && {
        onSourceData: (_symbol, meta, data, bytes) =>
          options.events?.sourceData(name, meta, data, bytes),
        onRestarted: () => options.events?.restarted(name),
      }),
      ...(options.socketDir !== undefined && { socketDir: options.socketDir }),
      ...(cgroups && { spawn: cgroupSpawn(cgroups, name, options.logger) }),
    });
  }
}
