// FunctionCalls: a portable function called over REST, started once with a REST rule id.
import { badRequest } from "../errors.ts";
import type { FuncReply, SymbolControl } from "../portable/commands.ts";
import type { PortablePlugin } from "../portable/portable-plugin.ts";
import { type SessionInfo, sessionOf } from "./session.ts";
import type { SessionIds } from "./session-ids.ts";

interface Started {
  readonly control: SymbolControl;
  readonly since: string;
  readonly clients: Set<string>;
  /** Settles once the start was answered; a failed start is forgotten. */
  readonly ready: Promise<void>;
  /** Argument counts the function's Validate has accepted, each asked once. */
  readonly validated: Set<number>;
  messages: number;
  bytes: number;
}

/**
 * Each function called over REST is started once, with a REST rule id, so that the plugin's
 * refCount and sessions show it; calls go through the plugin's function channel.
 */
export class FunctionCalls {
  readonly #ids: SessionIds;
  /** By plugin, then function. */
  readonly #started = new Map<string, Map<string, Started>>();

  constructor(ids: SessionIds) {
    this.#ids = ids;
  }

  /**
   * Validate (once per argument count, as eKuiper validates once per rule), then Exec of `fn`
   * with `args`. Throws 400 when Validate refuses, or what the start or the call throws.
   */
  async call(
    plugin: PortablePlugin,
    fn: string,
    args: unknown[],
    client: string | undefined,
  ): Promise<FuncReply> {
    const started = this.#start(plugin, fn);
    await started.ready;
    if (client !== undefined) started.clients.add(client);
    started.messages += 1;
    started.bytes += JSON.stringify(args).length;
    if (!started.validated.has(args.length)) {
      const check = await plugin.callFunction(fn, "Validate", args);
      if (!check.state) {
        throw badRequest(`function ${fn} refused its arguments: ${String(check.result)}`);
      }
      started.validated.add(args.length);
    }
    return plugin.callFunction(fn, "Exec", args);
  }

  stopped(pluginName: string): void {
    this.#started.delete(pluginName);
  }

  sessions(pluginName: string): SessionInfo[] {
    return [...(this.#started.get(pluginName)?.values() ?? [])].map((started) =>
      sessionOf("function", started, [...started.clients]),
    );
  }

  #start(plugin: PortablePlugin, fn: string): Started {
    const functions = this.#started.get(plugin.name) ?? new Map<string, Started>();
    this.#started.set(plugin.name, functions);
    const known = functions.get(fn);
    if (known) return known;
    const meta = { ruleId: this.#ids.next(), opId: fn, instanceId: 0 };
    const control: SymbolControl = { symbolName: fn, pluginType: "func", meta };
    const started: Started = {
      control,
      since: new Date().toISOString(),
      clients: new Set(),
      ready: plugin.startSymbol(control),
      validated: new Set(),
      messages: 0,
      bytes: 0,
    };
    functions.set(fn, started);
    started.ready.catch(() => {
      if (functions.get(fn) === started) functions.delete(fn);
    });
    return started;
  }
}
