// The command line: its usage text and the options parseArgs reads.
import type { parseArgs } from "node:util";

export const usage = `usage:
  plugd serve [--home DIR] [--host ADDR] [--port N] [--config FILE] [--stop-timeout DURATION]
  plugd apply FILE [--dry-run] [--url URL] [--token TOKEN]
  plugd version

  --home          home folder with etc/, plugins/, data/, log/ (default: $PLUGD_HOME or ./plugd-home)
  --host          listen address (default: basic.restIp, 0.0.0.0)
  --port          listen port (default: basic.restPort, 9081)
  --config        configuration file (default: <home>/etc/plugd.yaml)
  --stop-timeout  after SIGTERM, how long requests in flight may run on (default: 10s)
  --plugins       an export file (JSON, or .yaml) applied at every start, as POST /data/import
  --url           apply: the plugd to apply FILE to (default: http://127.0.0.1:9081)
  --dry-run       apply: print the plan and change nothing`;

export const options = {
  home: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  config: { type: "string" },
  "stop-timeout": { type: "string", default: "10s" },
  plugins: { type: "string" },
  url: { type: "string", default: "http://127.0.0.1:9081" },
  "dry-run": { type: "boolean", default: false },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The parsed values of `options`. */
export type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
