// A network namespace joined to this host by a veth pair, so a test client has a non-loopback address.
import { join } from "node:path";

export interface Netns extends AsyncDisposable {
  /** The host's end of the pair: where plugd is reached from the namespace. */
  readonly hostAddress: string;
  /** The client's address, inside the namespace. */
  readonly clientAddress: string;
  /** The /30 both ends share. */
  readonly network: string;
  /** Runs the HTTP client fixture inside the namespace: status and body of one request. */
  fetch(url: string, init?: ClientRequest): Promise<{ status: number; body: string }>;
}

export interface ClientRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  const child = Bun.spawn(args, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

async function must(...args: string[]): Promise<void> {
  const result = await run(...args);
  if (result.exitCode !== 0) {
    throw new Error(`${args.join(" ")} exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
}

/**
 * Why namespaces cannot be made here (not root, no `ip`, no permission), or undefined when a
 * test can make one: the probe makes one and removes it.
 */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "network namespaces need root";
  if (Bun.which("ip") === null) return "the ip command (iproute2) is not installed";
  try {
    await using _probe = await createNetns();
    return undefined;
  } catch (err) {
    return `cannot make a network namespace: ${(err as Error).message}`;
  }
}

/**
 * Makes a namespace with unique names and a random 10.200.x.y/30 on a veth pair; disposing
 * removes both, also when a later step of the setup failed.
 * @throws Error with the failing command and its stderr.
 */
export async function createNetns(): Promise<Netns> {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const [name, hostIf, clientIf] = [`plugd-${id}`, `pdh${id}`, `pdc${id}`];
  const [x = 0, y = 0] = crypto.getRandomValues(new Uint8Array(2));
  const prefix = `10.200.${x}`;
  const base = (y >> 2) << 2;
  const hostAddress = `${prefix}.${base + 1}`;
  const clientAddress = `${prefix}.${base + 2}`;
  const remove = async () => {
    await run("ip", "netns", "del", name);
    // Gone with the namespace's end as a rule; removed here in case the move never happened.
    await run("ip", "link", "del", hostIf);
  };
  try {
    await must("ip", "netns", "add", name);
    await must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", clientIf);
    await must("ip", "link", "set", clientIf, "netns", name);
    await must("ip", "addr", "add", `${hostAddress}/30`, "dev", hostIf);
    await must("ip", "link", "set", hostIf, "up");
    await must("ip", "-n", name, "addr", "add", `${clientAddress}/30`, "dev", clientIf);
    await must("ip", "-n", name, "link", "set", clientIf, "up");
    await must("ip", "-n", name, "link", "set", "lo", "up");
  } catch (err) {
    await remove();
    throw err;
  }
  const fixture = join(import.meta.dir, "http-client-fixture.ts");
  return {
    hostAddress,
    clientAddress,
    network: `${prefix}.${base}/30`,
    async fetch(url, init = {}) {
      const result = await run(
        "ip",
        "netns",
        "exec",
        name,
        process.execPath,
        fixture,
        url,
        JSON.stringify(init),
      );
      if (result.exitCode !== 0) {
        throw new Error(`the client in ${name} exited ${result.exitCode}: ${result.stderr.trim()}`);
      }
      return JSON.parse(result.stdout) as { status: number; body: string };
    },
    [Symbol.asyncDispose]: remove,
  };
}
