// The command line: its usage text and the options parseArgs reads.
import type { parseArgs } from "node:util";

export const usage = `usage:
  plugd serve [--home DIR] [--host ADDR] [--port N] [--config FILE] [--stop-timeout DURATION]
  plugd apply FILE [--dry-run] [--url URL] [--token TOKEN]
  plugd fleet publish FILE (--group G | --gateway ID) [--sign KEYFILE] [--rollout 10%|ID,ID] [--broker URL]
  plugd fleet clear (--group G | --gateway ID) [--broker URL]
  plugd fleet status [--group G] [--broker URL]
  plugd fleet keygen DIR
  plugd version

  --home          home folder with etc/, plugins/, data/, log/ (default: $PLUGD_HOME or ./plugd-home)
  --host          listen address (default: basic.restIp, 0.0.0.0)
  --port          listen port (default: basic.restPort, 9081)
  --config        configuration file (default: <home>/etc/plugd.yaml)
  --stop-timeout  after SIGTERM, how long requests in flight may run on (default: 10s)
  --plugins       an export file (JSON, or .yaml) applied at every start, as POST /data/import
  --url           apply: the plugd to apply FILE to (default: http://127.0.0.1:9081)
  --dry-run       apply: print the plan and change nothing
  --broker        fleet: the MQTT broker (default: fleet.url of the configuration, whose
                  credentials, CA and prefix are used too)
  --group, --gateway  fleet: the desired state of a group, or of one gateway (which overrides its groups')
  --sign          fleet publish: sign with this Ed25519 private key (PEM, from fleet keygen)
  --rollout       fleet publish: a share of the fleet (10%) or gateway ids (a,b) that take it now`;

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
  broker: { type: "string" },
  group: { type: "string" },
  gateway: { type: "string" },
  sign: { type: "string" },
  rollout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The parsed values of `options`. */
export type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
