// basic.restTls: reads and checks the certificate and key at start, so a bad file stops plugd.
import type { KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describeError } from "../errors.ts";
import { ConfigError } from "./load.ts";
import type { Config } from "./schema.ts";

/** The PEM texts Bun.serve needs for HTTPS. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
}

/**
 * Reads `basic.restTls.certfile` and `keyfile` (relative paths are under the home folder).
 * Returns undefined when neither is set.
 * @throws ConfigError naming the key when only one is set, a file cannot be read, it is not
 * PEM of the right kind, or the key does not belong to the certificate.
 */
export function readTlsFiles(config: Config): TlsFiles | undefined {
  const { certfile, keyfile } = config.basic.restTls;
  if (certfile === undefined && keyfile === undefined) return undefined;
  const where = `${config.configFile}: basic.restTls`;
  if (certfile === undefined || keyfile === undefined) {
    throw new ConfigError(`${where}: set both certfile and keyfile, or neither`);
  }
  const cert = readPem(resolve(config.home, certfile), `${where}.certfile`);
  const key = readPem(resolve(config.home, keyfile), `${where}.keyfile`);
  // Loaded only when TLS is on: node:crypto costs several milliseconds of every start.
  const { X509Certificate, createPrivateKey } = process.getBuiltinModule("node:crypto");
  const certificate = parseWith(
    () => new X509Certificate(cert),
    `${where}.certfile`,
    "certificate",
  );
  const privateKey = parseWith(
    () => createPrivateKey(key),
    `${where}.keyfile`,
    "private key (without a passphrase)",
  );
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(
      `${where}.keyfile: ${keyfile} is not the key of the certificate ${certfile}`,
    );
  }
  return { cert, key };
}

function readPem(path: string, key: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${path}: ${describeError(err)}`);
  }
}

function parseWith<T extends X509Certificate | KeyObject>(
  parse: () => T,
  key: string,
  what: string,
): T {
  try {
    return parse();
  } catch (err) {
    // Node's messages ("error:1E08010C:DECODER routines::unsupported") do not say what was wrong.
    throw new ConfigError(`${key}: the file is not a PEM ${what}: ${describeError(err)}`);
  }
}
