// Entry point: `plugd serve [--home DIR] [--host ADDR] [--port N] [--config FILE]`, `plugd version`.
import { parseArgs } from "node:util";
import { ConfigError, resolveHome } from "./config/load.ts";
import { startPlugd } from "./server.ts";
import { commit, target, version } from "./version.ts";

const usage = `usage:
  plugd serve [--home DIR] [--host ADDR] [--port N] [--config FILE]
  plugd version

  --home    home folder with etc/, plugins/, data/, log/ (default: $PLUGD_HOME or ./plugd-home)
  --host    listen address (default: basic.restIp, 0.0.0.0)
  --port    listen port (default: basic.restPort, 9081)
  --config  configuration file (default: <home>/etc/plugd.yaml)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      home: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0] ?? "serve";
  if (values.help || command === "help") return print(usage, 0);
  if (command === "version") return print(`plugd ${version} (commit ${commit}, ${target})`, 0);
  if (command !== "serve") return print(`unknown command ${command}\n${usage}`, 2);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    return print(`--port must be a port number, not ${values.port}`, 2);
  }
  await serve({ home: values.home, host: values.host, port, config: values.config });
  return -1;
}

interface ServeFlags {
  home: string | undefined;
  host: string | undefined;
  port: number | undefined;
  config: string | undefined;
}

async function serve(flags: ServeFlags): Promise<void> {
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    await plugd.stop();
    process.exit(code);
  };
  const plugd = await startPlugd({
    home: resolveHome(flags.home, "./plugd-home"),
    configFile: flags.config,
    host: flags.host,
    port: flags.port,
    onStopRequest: (code) => void shutdown(code),
  });
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
}

function print(text: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const message = err instanceof ConfigError ? err.message : String(err);
    process.stderr.write(
      `${JSON.stringify({ level: "error", module: "main", msg: `plugd cannot start: ${message}` })}\n`,
    );
    process.exit(1);
  },
);
