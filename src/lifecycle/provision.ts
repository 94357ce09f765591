// provision: the start-up steps that read and check the configuration before anything opens.

import { ensureHome, type HomePaths, homePaths } from "../config/home.ts";
import { type Env, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { readTlsFiles, type TlsFiles } from "../config/tls-files.ts";
import { parseHostPolicy } from "../download/host-policy.ts";
import { createLogger, type Logger, type LogSink } from "../log/logger.ts";

export interface ProvisionOptions {
  home: string;
  configFile?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  env?: Env | undefined;
  logSink?: LogSink | undefined;
}

export interface Provisioned {
  paths: HomePaths;
  config: Config;
  tls: TlsFiles | undefined;
  logger: Logger;
}

/** Creates the home, loads and validates the config, reads TLS files. Throws ConfigError. */
export function provision(options: ProvisionOptions): Provisioned {
  const paths = homePaths(options.home);
  ensureHome(paths);
  const config = loadConfig({
    home: paths.root,
    configFile: options.configFile,
    env: options.env,
    overrides: { restIp: options.host, restPort: options.port },
  });
  const tls = readTlsFiles(config);
  checkAllowedHosts(config);
  const logger = createLogger({
    level: config.basic.logLevel,
    // Every line names a module; parts that log without naming their own get this one.
    fields: { module: "plugd" },
    ...(options.logSink ? { sink: options.logSink } : {}),
  });
  return { paths, config, tls, logger };
}

/** `plugin.allowedHosts` is otherwise read at the first download; a bad entry should stop the start. */
function checkAllowedHosts(config: Config): void {
  parseHostPolicy(config.plugin.allowedHosts);
}
