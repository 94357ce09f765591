// Access control from the configuration: the gate, the audit log, and the start log's account of both.
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { HomePaths } from "../config/home.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { type AuditLog, openAuditLog } from "./audit-log.ts";
import { type ClientPolicy, createClientPolicy } from "./client-policy.ts";
import { createGate, type Gate } from "./gate.ts";
import { KeyStore } from "./key-store.ts";

export interface Access {
  readonly gate: Gate;
  readonly audit: AuditLog;
  readonly policy: ClientPolicy;
  readonly keys: KeyStore;
  /** Closes the audit log and stops watching etc/mgmt/. */
  close(): Promise<void>;
}

/**
 * Opens what the gate and the audit need. The policy is built first, so a bad network in
 * `basic.trustedNetworks` stops plugd before anything is opened.
 * @throws ConfigError for a bad trusted network; InternalError when log/audit.log cannot be opened.
 */
export async function openAccess(
  config: Config,
  paths: HomePaths,
  logger: Logger,
): Promise<Access> {
  const policy = createClientPolicy(config.basic);
  const audit = await openAuditLog(join(paths.log, "audit.log"), logger);
  const keys = new KeyStore(join(paths.etc, "mgmt"), logger.child({ module: "auth" }));
  const gate = createGate(policy, keys, { requireExp: config.basic.requireExp });
  const close = async () => {
    keys.close();
    await audit.close();
  };
  return { gate, audit, policy, keys, close };
}

/** Writes which access mode is on, to whom it applies, and what an operator may want to change. */
export async function logAccess(access: Access, config: Config, logger: Logger): Promise<void> {
  const log = logger.child({ module: "auth" });
  const { policy } = access;
  if (policy.mode === "token") {
    const entries = await access.keys.entries();
    const keys = entries.filter((entry) => "key" in entry).map((entry) => entry.file);
    log.info("access: eKuiper tokens are required on every route but / and /ping", {
      mode: "authentication",
      keysDir: access.keys.dir,
      keys,
    });
    for (const entry of entries) {
      if ("problem" in entry)
        log.warn(`etc/mgmt/${entry.file} is not a usable key: ${entry.problem}`);
    }
    if (keys.length === 0) log.warn("no usable public key in etc/mgmt/: every token is refused");
    if (config.basic.restTls.certfile === undefined) {
      log.warn("tokens travel in clear text: set basic.restTls to serve HTTPS");
    }
  } else if (policy.mode === "protected") {
    log.info(
      "access: protected mode: only loopback clients and basic.trustedNetworks are served; " +
        "set basic.authentication: true to serve other clients with eKuiper tokens",
      { mode: "protected", trustedNetworks: policy.trusted },
    );
  } else {
    log.warn("access: open: every client is served without a token (protectedMode is false)", {
      mode: "open",
    });
  }
}

/** The addresses a listener on `host` answers on: every interface's for a wildcard. */
export function listenAddresses(host: string, port: number): string[] {
  const wildcard = host === "0.0.0.0" || host === "::";
  if (!wildcard) return [hostPort(host, port)];
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return all
    .filter((info) => host === "::" || info.family === "IPv4")
    .map((info) => hostPort(info.address, port));
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
