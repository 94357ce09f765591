// createClientPolicy: who protected mode serves, and what it tells the others.
import { describe, expect, test } from "bun:test";
import { refusalOf } from "../../test/support/refusal.ts";
import { ConfigError } from "../config/load.ts";
import { createClientPolicy } from "./client-policy.ts";

const protectedMode = (trustedNetworks: string[] = []) =>
  createClientPolicy({ authentication: false, protectedMode: true, trustedNetworks });

describe("protected mode", () => {
  test.each([["127.0.0.1"], ["127.8.9.10"], ["::1"], ["::ffff:127.0.0.1"]])(
    "serves the loopback client %s as loopback",
    (address) => {
      expect(protectedMode().admit(address)).toBe("loopback");
    },
  );

  test.each([
    ["10.1.2.3", "10.1.2.3/32"],
    ["::ffff:192.168.1.9", "192.168.1.9/32"],
    ["fd00::5", "fd00::5/128"],
  ])("refuses %s with 403 naming its network for basic.trustedNetworks", (address, network) => {
    const refusal = refusalOf(() => protectedMode().admit(address));
    expect(refusal?.status).toBe(403);
    expect(refusal?.message).toContain("basic.authentication: true");
    expect(refusal?.message).toContain(`(for this client alone: ${network})`);
  });

  test("refuses a client whose address the server cannot tell", () => {
    expect(refusalOf(() => protectedMode().admit(undefined))?.message).toContain(
      "not a client whose address is unknown",
    );
  });

  test("serves clients of a trusted network and names the network", () => {
    const policy = protectedMode(["192.168.1.0/24", "fd00::/8"]);
    expect(policy.admit("192.168.1.77")).toBe("trusted:192.168.1.0/24");
    expect(policy.admit("::ffff:192.168.1.77")).toBe("trusted:192.168.1.0/24");
    expect(policy.admit("fd12::1")).toBe("trusted:fd00::/8");
    expect(refusalOf(() => policy.admit("192.168.2.1"))?.status).toBe(403);
  });

  test.each([["10.0.0.0/33"], ["example.com"], ["10.0.0.0/8/1"], [""]])(
    "refuses %j in basic.trustedNetworks at start",
    (network) => {
      expect(() => protectedMode([network])).toThrow(ConfigError);
    },
  );
});

describe("the other modes", () => {
  const policyOf = (authentication: boolean, protectedMode: boolean) =>
    createClientPolicy({ authentication, protectedMode, trustedNetworks: [] });

  test("with protected mode off every client is served as anonymous", () => {
    const policy = policyOf(false, false);
    expect(policy.mode).toBe("open");
    expect(policy.admit("203.0.113.9")).toBe("anonymous");
  });

  test.each([[true], [false]])(
    "with authentication on the mode is token, whatever protectedMode says (%p)",
    (protectedMode) => {
      expect(policyOf(true, protectedMode).mode).toBe("token");
    },
  );
});
