// plugin.allowedHosts: which hosts a plugin URL and its redirects may reach.

import { lookup } from "node:dns/promises";
import { ConfigError } from "../config/load.ts";
import { badRequest, describeError } from "../errors.ts";
import { type Cidr, cidrContains, type IpAddress, parseCidr, parseIp } from "./ip-cidr.ts";

/**
 * The parsed `plugin.allowedHosts`. Entries are host names, matched exactly and without regard
 * to case, or networks (`127.0.0.0/8`, `fd00::/8`; a bare address is a network of one).
 */
export interface HostPolicy {
  anyHost: boolean;
  names: ReadonlySet<string>;
  networks: readonly Cidr[];
}

/** Finds every address of a host name; replaceable so tests need no DNS. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const resolveWithSystem: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

function isCidrLike(entry: string): boolean {
  return entry.includes("/") || parseIp(entry) !== undefined;
}

/**
 * Parses the configured entries; config validation calls this at start.
 * @throws ConfigError naming an entry that looks like a network but is not a valid one.
 */
export function parseHostPolicy(entries: readonly string[]): HostPolicy {
  const names = new Set<string>();
  const networks: Cidr[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!isCidrLike(entry)) {
      names.add(entry.replace(/\.$/, ""));
      continue;
    }
    const cidr = parseCidr(entry);
    if (!cidr) {
      throw new ConfigError(`plugin.allowedHosts: ${raw} is not a valid address or network`);
    }
    networks.push(cidr);
  }
  return { anyHost: entries.length === 0, names, networks };
}

function inNetworks(policy: HostPolicy, ip: IpAddress): boolean {
  return policy.networks.some((cidr) => cidrContains(cidr, ip));
}

/** Every address, or a reason to refuse: an unresolvable name is not known to be allowed. */
async function resolveAll(hostname: string, resolve: ResolveHost): Promise<IpAddress[]> {
  let texts: string[];
  try {
    texts = await resolve(hostname);
  } catch (err) {
    throw badRequest(`cannot resolve host ${hostname}: ${describeError(err)}`, err);
  }
  return texts.flatMap((text) => parseIp(text) ?? []);
}

/**
 * Returns why `hostname` (as `URL.hostname` gives it) is refused, or undefined when allowed.
 * An address must lie in a listed network. A name is allowed when listed, or when it resolves
 * and every one of its addresses lies in a listed network: the client may connect to any of
 * them. The check runs before the request, so it guards against mistakes and honest
 * configuration, not against a DNS server that answers differently the second time.
 * @throws AppError 400 when the name cannot be resolved.
 */
export async function refuseHost(
  hostname: string,
  policy: HostPolicy,
  resolve: ResolveHost = resolveWithSystem,
): Promise<string | undefined> {
  if (policy.anyHost) return undefined;
  const refusal = `host ${hostname} is not allowed (plugin.allowedHosts)`;
  const ip = parseIp(hostname);
  if (ip) return inNetworks(policy, ip) ? undefined : refusal;
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (policy.names.has(name)) return undefined;
  if (policy.networks.length === 0) return refusal;
  const addresses = await resolveAll(name, resolve);
  const allowed = addresses.length > 0 && addresses.every((address) => inNetworks(policy, address));
  return allowed ? undefined : refusal;
}
