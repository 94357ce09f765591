// Which clients are served without a token: protected mode's loopback and trusted networks.
import { ConfigError } from "../config/load.ts";
import { type Cidr, cidrContains, parseCidr, parseIp } from "../download/ip-cidr.ts";
import { type AppError, forbidden } from "../errors.ts";

/** `token`: authentication on. `protected`: loopback and trusted networks. `open`: anyone. */
export type AccessMode = "token" | "protected" | "open";

export interface ClientPolicySettings {
  readonly authentication: boolean;
  readonly protectedMode: boolean;
  readonly trustedNetworks: readonly string[];
}

export interface ClientPolicy {
  readonly mode: AccessMode;
  /** The trusted networks as written, for the start log. */
  readonly trusted: readonly string[];
  /**
   * Who a client is when it may be served without a token: `loopback`, `trusted:<network>` or,
   * with protected mode off, `anonymous`. Only for modes other than `token`.
   * @throws AppError 403 saying how to turn authentication on or trust the client's network.
   */
  admit(address: string | undefined): string;
}

const loopback = ["127.0.0.0/8", "::1/128"].flatMap((text) => parseCidr(text) ?? []);

/**
 * Builds the policy from `basic.*`; the networks are checked here, at start.
 * @throws ConfigError naming the entry of `basic.trustedNetworks` that is not a network.
 */
export function createClientPolicy(settings: ClientPolicySettings): ClientPolicy {
  const networks = settings.trustedNetworks.map((text) => ({ text, cidr: parseNetwork(text) }));
  const mode: AccessMode = settings.authentication
    ? "token"
    : settings.protectedMode
      ? "protected"
      : "open";
  const admit = (address: string | undefined): string => {
    if (mode === "open") return "anonymous";
    const ip = address === undefined ? undefined : parseIp(address);
    if (ip && loopback.some((cidr) => cidrContains(cidr, ip))) return "loopback";
    const trusted = ip && networks.find((network) => cidrContains(network.cidr, ip));
    if (trusted) return `trusted:${trusted.text}`;
    throw refusal(address);
  };
  return { mode, trusted: networks.map((network) => network.text), admit };
}

function parseNetwork(text: string): Cidr {
  const cidr = parseCidr(text.trim());
  if (!cidr) {
    throw new ConfigError(
      `basic.trustedNetworks: ${JSON.stringify(text)} is not a network (write 192.168.1.0/24 or fd00::/8)`,
    );
  }
  return cidr;
}

function refusal(address: string | undefined): AppError {
  const who = address === undefined ? "a client whose address is unknown" : `client ${address}`;
  const network = address === undefined ? "" : ` (for this client alone: ${hostNetwork(address)})`;
  return forbidden(
    `protected mode: plugd serves only loopback clients, not ${who}. ` +
      "To serve other clients, turn authentication on (basic.authentication: true in " +
      "etc/plugd.yaml, with eKuiper tokens and their public keys in etc/mgmt/), or trust the " +
      `client's network (basic.trustedNetworks${network}), then restart plugd`,
  );
}

function hostNetwork(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address;
  return ip.family === 4 ? `${address.replace(/^::ffff:/i, "")}/32` : `${address}/128`;
}
