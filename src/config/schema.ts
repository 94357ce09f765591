// The configuration file's schema (TypeBox), its defaults, and the resolved Config type.
import { type Static, Type as T } from "@sinclair/typebox";
import { type FleetConfig, fleetDefaults, fleetProperties } from "./fleet-schema.ts";

const Duration = T.Union([T.String(), T.Number({ minimum: 0 })], {
  description: "milliseconds, or text like 500ms, 10s, 5m",
});
const Size = T.Union([T.String(), T.Integer({ minimum: 1 })], {
  description: "bytes, or text like 64KiB, 256MiB, 1GiB",
});
const section = <P extends Parameters<typeof T.Object>[0]>(props: P) =>
  T.Optional(T.Partial(T.Object(props, { additionalProperties: false })));

/** What etc/plugd.yaml may hold; every key is optional and unknown keys are refused. */
export const FileSchema = T.Object(
  {
    basic: section({
      restIp: T.String({ minLength: 1 }),
      restPort: T.Integer({ minimum: 0, maximum: 65535 }),
      logLevel: T.Union([
        T.Literal("debug"),
        T.Literal("info"),
        T.Literal("warn"),
        T.Literal("error"),
      ]),
      authentication: T.Boolean(),
      requireExp: T.Boolean(),
      protectedMode: T.Boolean(),
      trustedNetworks: T.Array(T.String()),
      restTls: T.Partial(
        T.Object({ certfile: T.String(), keyfile: T.String() }, { additionalProperties: false }),
      ),
      pluginHosts: T.String(),
      maxRequestBodySize: Size,
    }),
    plugin: section({
      maxDownloadSize: Size,
      maxConcurrentUploads: T.Integer({ minimum: 1 }),
      connectTimeout: Duration,
      downloadTimeout: Duration,
      installTimeout: Duration,
      maxEntries: T.Integer({ minimum: 1 }),
      maxEntrySize: Size,
      maxTotalSize: Size,
      maxRatio: T.Number({ minimum: 1 }),
      allowedHosts: T.Array(T.String()),
      allowExternalFileAccess: T.Boolean(),
      pluginsFile: T.String({ description: "an export file applied at every start" }),
      ekuiperBinary: T.String({
        description: "the eKuiper executable native plugins must load into",
      }),
    }),
    prebuild: section({
      version: T.String({ minLength: 1 }),
      sources: T.Array(T.String()),
      sinks: T.Array(T.String()),
      functions: T.Array(T.String()),
    }),
    portable: section({
      pythonBin: T.String({ minLength: 1 }),
      initTimeout: Duration,
      stopTimeout: Duration,
      cgroups: T.Boolean({
        description: "run each plugin process in a cgroup of its own where plugd may make one",
      }),
      memoryMax: T.Union([Size, T.Literal("max")], { description: "memory.max of each plugin" }),
      pidsMax: T.Union([T.Integer({ minimum: 1 }), T.Literal("max")], {
        description: "pids.max of each plugin",
      }),
    }),
    dataplane: section({
      streamQueue: Size,
      keepAlive: Duration,
      sinkIdle: Duration,
    }),
    fleet: section(fleetProperties),
  },
  { additionalProperties: false },
);
export type FileConfig = Static<typeof FileSchema>;

/** The configuration plugd runs with: every key present, durations in ms, sizes in bytes. */
export interface Config {
  /** The home folder: etc/, plugins/, data/, log/. */
  readonly home: string;
  /** The configuration file that was read, or would have been. */
  readonly configFile: string;
  readonly basic: {
    readonly restIp: string;
    readonly restPort: number;
    readonly logLevel: "debug" | "info" | "warn" | "error";
    /** eKuiper RS256 tokens are required on every route but `/` and `/ping`. */
    readonly authentication: boolean;
    /** Tokens without `exp` are refused too (eKuiper accepts them). */
    readonly requireExp: boolean;
    /** Without authentication, only loopback clients and `trustedNetworks` are served. */
    readonly protectedMode: boolean;
    readonly trustedNetworks: readonly string[];
    readonly restTls: { readonly certfile?: string; readonly keyfile?: string };
    readonly pluginHosts: string;
    /** Largest request body of every route but uploads (which `plugin.maxDownloadSize` caps). */
    readonly maxRequestBodySize: number;
  };
  readonly plugin: {
    readonly maxDownloadSize: number;
    /** POST /config/uploads in progress at once; one more is answered 429 at once. */
    readonly maxConcurrentUploads: number;
    readonly connectTimeout: number;
    readonly downloadTimeout: number;
    readonly installTimeout: number;
    readonly maxEntries: number;
    readonly maxEntrySize: number;
    readonly maxTotalSize: number;
    readonly maxRatio: number;
    readonly allowedHosts: readonly string[];
    readonly allowExternalFileAccess: boolean;
    /** An export file (JSON or YAML) applied at every start as POST /data/import; "" for none. */
    readonly pluginsFile: string;
    /** The eKuiper executable (kuiperd) that loads native plugins; "" for no check. */
    readonly ekuiperBinary: string;
  };
  /** Names and version of eKuiper's prebuilt native plugins, for the prebuild lists. */
  readonly prebuild: {
    readonly version: string;
    readonly sources: readonly string[];
    readonly sinks: readonly string[];
    readonly functions: readonly string[];
  };
  readonly portable: {
    readonly pythonBin: string;
    readonly initTimeout: number;
    readonly stopTimeout: number;
    /**
     * Run each plugin process in a cgroup of its own (ended whole, setsid helpers included)
     * where a writable cgroup v2 subtree exists; elsewhere, and when false, process groups.
     */
    readonly cgroups: boolean;
    /** memory.max (bytes) of each plugin process's cgroup; null: no limit. Needs cgroups. */
    readonly memoryMax: number | null;
    /** pids.max of each plugin process's cgroup; null: no limit. Needs cgroups. */
    readonly pidsMax: number | null;
  };
  /** Sources, sinks and functions used over REST. */
  readonly dataplane: {
    /** Bytes queued for a stream client that does not read, before it alone is ended. */
    readonly queueBytes: number;
    /** How often an SSE stream sends a keep-alive comment. */
    readonly keepAliveMs: number;
    /** How long a sink instance stays open after its last send. */
    readonly sinkIdleMs: number;
  };
  /** The MQTT fleet agent (off while `url` is empty). */
  readonly fleet: FleetConfig;
}

/** Every section with every key present. */
export type Sections = { [K in keyof FileConfig]-?: Required<NonNullable<FileConfig[K]>> };

/** The defaults, as written in the shipped etc/plugd.yaml. */
export const defaults: Sections = {
  basic: {
    restIp: "0.0.0.0",
    restPort: 9081,
    logLevel: "info",
    authentication: false,
    requireExp: false,
    protectedMode: true,
    trustedNetworks: [],
    restTls: {},
    pluginHosts: "https://packages.emqx.net",
    maxRequestBodySize: "1MiB",
  },
  plugin: {
    maxDownloadSize: "256MiB",
    maxConcurrentUploads: 2,
    connectTimeout: "10s",
    downloadTimeout: "5m",
    installTimeout: "5m",
    maxEntries: 10000,
    maxEntrySize: "256MiB",
    maxTotalSize: "512MiB",
    maxRatio: 100,
    allowedHosts: [],
    allowExternalFileAccess: true,
    pluginsFile: "",
    ekuiperBinary: "",
  },
  prebuild: {
    version: "2.0.0",
    sources: ["random", "zmq", "sql", "video", "kafka"],
    sinks: ["image", "influx", "influx2", "zmq", "kafka", "sql"],
    functions: ["accumulateWordCount", "countPlusOne", "echo", "geohash", "image", "labelImage"],
  },
  portable: {
    pythonBin: "python",
    initTimeout: "60s",
    stopTimeout: "5s",
    cgroups: true,
    memoryMax: "max",
    pidsMax: "max",
  },
  dataplane: { streamQueue: "1MiB", keepAlive: "15s", sinkIdle: "60s" },
  fleet: fleetDefaults,
};
