// Tests of plugin.allowedHosts: address and network parsing, name matching, resolution.

import { describe, expect, test } from "bun:test";
import { ConfigError } from "../config/load.ts";
import { AppError } from "../errors.ts";
import { type HostPolicy, parseHostPolicy, refuseHost } from "./host-policy.ts";
import { cidrContains, parseCidr, parseIp } from "./ip-cidr.ts";

function contains(network: string, address: string): boolean {
  const cidr = parseCidr(network);
  const ip = parseIp(address);
  if (!cidr || !ip) throw new Error(`bad fixture ${network} ${address}`);
  return cidrContains(cidr, ip);
}

/** A resolver that knows a fixed table and fails for every other name, as DNS would. */
function table(entries: Record<string, string[]>) {
  return async (name: string) => {
    const found = entries[name];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
    return found;
  };
}

const refusal = (host: string) => `host ${host} is not allowed (plugin.allowedHosts)`;

describe("networks", () => {
  test.each([
    ["127.0.0.0/8", "127.0.0.1", true],
    ["127.0.0.0/8", "127.255.255.254", true],
    ["127.0.0.0/8", "128.0.0.1", false],
    ["10.1.2.3", "10.1.2.3", true],
    ["10.1.2.3", "10.1.2.4", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["::1/128", "::1", true],
    ["::1", "[::1]", true],
    ["fd00::/8", "fd12:3456::1", true],
    ["fd00::/8", "fe80::1", false],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["127.0.0.0/8", "::ffff:127.0.0.1", true],
    ["127.0.0.0/8", "[::ffff:7f00:1]", true],
    ["::ffff:10.0.0.0/104", "10.9.9.9", true],
    ["127.0.0.0/8", "::1", false],
    ["::/0", "127.0.0.1", false],
  ])("%s contains %s: %p", (network, address, expected) => {
    expect(contains(network, address)).toBe(expected);
  });

  test.each(["10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0/8", "1.2.3.4/x"])(
    "%s is not a network",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe("parseHostPolicy", () => {
  test("an empty list allows any host", () => {
    expect(parseHostPolicy([]).anyHost).toBe(true);
  });

  test("names are kept lower-case without a trailing dot", () => {
    expect([...parseHostPolicy(["Packages.EMQX.net.", "x"]).names]).toEqual([
      "packages.emqx.net",
      "x",
    ]);
  });

  test("an entry that looks like a network but is not one is a 500 naming it", () => {
    let caught: unknown;
    try {
      parseHostPolicy(["10.0.0.0/40"]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught instanceof Error && caught.message).toBe(
      "plugin.allowedHosts: 10.0.0.0/40 is not a valid address or network",
    );
  });
});

describe("refuseHost", () => {
  const noDns = table({});
  const policy = (entries: string[]): HostPolicy => parseHostPolicy(entries);

  test("a CIDR 127.0.0.0/8 allows 127.0.0.1", async () => {
    expect(await refuseHost("127.0.0.1", policy(["127.0.0.0/8"]), noDns)).toBeUndefined();
  });

  test("a list with only example.com refuses 127.0.0.1", async () => {
    expect(await refuseHost("127.0.0.1", policy(["example.com"]), noDns)).toBe(
      refusal("127.0.0.1"),
    );
  });

  test("names match exactly and without regard to case", async () => {
    const only = policy(["Example.com"]);
    expect(await refuseHost("example.COM", only, noDns)).toBeUndefined();
    expect(await refuseHost("www.example.com", only, noDns)).toBe(refusal("www.example.com"));
  });

  test("a name is allowed when every address it resolves to is in a listed network", async () => {
    const dns = table({ localhost: ["127.0.0.1", "::1"], mixed: ["127.0.0.1", "192.0.2.1"] });
    const loopback = policy(["127.0.0.0/8", "::1"]);
    expect(await refuseHost("localhost", loopback, dns)).toBeUndefined();
    expect(await refuseHost("mixed", loopback, dns)).toBe(refusal("mixed"));
    expect(await refuseHost("localhost", policy(["127.0.0.0/8"]), dns)).toBe(refusal("localhost"));
  });

  test("a name that cannot be resolved is a 400 with the cause", async () => {
    const err = await refuseHost("nowhere.invalid", policy(["10.0.0.0/8"]), noDns).catch(
      (caught: unknown) => caught,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err instanceof AppError && { status: err.status, message: err.message }).toEqual({
      status: 400,
      message: "cannot resolve host nowhere.invalid: getaddrinfo ENOTFOUND nowhere.invalid",
    });
  });

  test("a name is not resolved when only names are listed", async () => {
    const failing = async (): Promise<string[]> => {
      throw new Error("resolver must not be called");
    };
    expect(await refuseHost("other.org", policy(["example.com"]), failing)).toBe(
      refusal("other.org"),
    );
  });
});
