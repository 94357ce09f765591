// The gate every request passes: a token with authentication on, else the client's address.
import type { ClientPolicy } from "./client-policy.ts";
import type { KeyFinder } from "./key-store.ts";
import { verifyToken } from "./token-verifier.ts";

/** What the gate reads of a request. */
export interface GateRequest {
  readonly path: string;
  readonly authorization: string | null;
  /** The client's IP address, undefined when the server cannot tell it. */
  readonly address: string | undefined;
}

export interface Gate {
  /**
   * Who the request comes from (`iss/sub`, `loopback`, `trusted:<network>`, `anonymous`).
   * @throws AppError 401 for a missing or bad token, 403 for a client protected mode refuses.
   */
  admit(request: GateRequest): Promise<string>;
  /**
   * The same answer, at once, when no token has to be checked (protected or open mode): the
   * hot path of every request then needs no promise. Undefined with authentication on.
   */
  readonly admitByAddress: ((address: string | undefined) => string) | undefined;
}

/** eKuiper leaves these open even with authentication on. */
const openPaths: ReadonlySet<string> = new Set(["/", "/ping"]);

/**
 * The console's files (plugd): a browser cannot send a token with a page load, so the page is
 * open with tokens on and asks for one; every API request it makes carries it.
 */
const isConsolePath = (path: string) => path === "/ui" || path.startsWith("/ui/");

/** `keys` is needed only when the policy's mode is `token`. */
export function createGate(
  policy: ClientPolicy,
  keys: KeyFinder,
  options: { requireExp: boolean },
): Gate {
  return {
    admitByAddress: policy.mode === "token" ? undefined : (address) => policy.admit(address),
    async admit(request) {
      if (policy.mode !== "token") return policy.admit(request.address);
      if (openPaths.has(request.path) || isConsolePath(request.path)) return "anonymous";
      const token = await verifyToken(request.authorization, keys, options);
      return token.subject === undefined ? token.issuer : `${token.issuer}/${token.subject}`;
    },
  };
}
