// A real mosquitto per test: a free loopback port, a generated config, optional TLS and passwords.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { TestCertificate } from "./certificate.ts";
import { waitFor } from "./wait.ts";

export const mosquittoBinary = "/usr/sbin/mosquitto";
/** False where Debian's mosquitto is not installed: broker tests skip, saying so. */
export const hasMosquitto = existsSync(mosquittoBinary);

export interface MosquittoOptions {
  /** Serve mqtts:// with this certificate. */
  tls?: TestCertificate;
  /** Users and passwords; set, anonymous clients are refused. */
  users?: Record<string, string>;
  /** Log every connection (log_type all) to output(); default errors only. */
  verbose?: boolean;
  /** Also serve MQTT over WebSocket (ws://, wss:// with `tls`) on a second port. */
  websockets?: boolean;
}

export interface Mosquitto extends AsyncDisposable {
  /** mqtt://127.0.0.1:<port> (mqtts:// with TLS). */
  readonly url: string;
  readonly port: number;
  /** ws://127.0.0.1:<port>/ (wss:// with TLS) when asked for `websockets`, else "". */
  readonly wsUrl: string;
  /** Kills the broker (SIGKILL: no clean goodbye to the clients); the port stays ours. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** What the broker logged so far (every run). */
  output(): string;
}

/** Starts mosquitto on 127.0.0.1 and waits until it accepts TCP connections. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "plugd-mosquitto-"));
  const port = await freePort();
  const wsPort = options.websockets ? await freePort() : 0;
  writeFileSync(join(dir, "mosquitto.conf"), configText(dir, { port, wsPort }, options));
  let proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  let logged = "";
  const start = async () => {
    const started = Bun.spawn([mosquittoBinary, "-c", join(dir, "mosquitto.conf")], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    proc = started;
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of started.stderr) logged += decoder.decode(chunk, { stream: true });
    })();
    const ports = wsPort === 0 ? [port] : [port, wsPort];
    await waitFor(
      async () => started.exitCode !== null || (await accepts(ports)),
      "mosquitto to listen",
    );
    if (started.exitCode !== null) {
      throw new Error(`mosquitto exited with ${started.exitCode}: ${logged}`);
    }
  };
  const kill = async () => {
    proc?.kill("SIGKILL");
    await proc?.exited;
  };
  await start();
  return {
    url: `${options.tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`,
    port,
    wsUrl: wsPort === 0 ? "" : `${options.tls ? "wss" : "ws"}://127.0.0.1:${wsPort}/`,
    kill,
    start,
    output: () => logged,
    [Symbol.asyncDispose]: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The config; with `wsPort`, a second listener speaking MQTT over WebSocket. Mosquitto 2.0.11
 * refuses to start with a websockets listener alone ("Unable to start any listening sockets":
 * it counts only its own TCP sockets), so the plain listener always comes first. The
 * certificate belongs to a listener, so it follows each `listener` line.
 */
function configText(
  dir: string,
  ports: { port: number; wsPort: number },
  options: MosquittoOptions,
): string {
  const perListener = listenerLines(dir, options);
  const lines = [`listener ${ports.port} 127.0.0.1`, ...perListener];
  if (ports.wsPort !== 0) {
    lines.push(`listener ${ports.wsPort} 127.0.0.1`, "protocol websockets", ...perListener);
  }
  lines.push(
    "persistence false",
    "log_dest stderr",
    options.verbose ? "log_type all" : "log_type error",
  );
  // As root, mosquitto would switch to the mosquitto user, who cannot read this private folder.
  lines.push("sys_interval 1");
  if (process.getuid?.() === 0) lines.push("user root");
  if (options.users) {
    const file = join(dir, "passwords");
    writeFileSync(file, "");
    for (const [user, password] of Object.entries(options.users)) {
      const made = Bun.spawnSync(["mosquitto_passwd", "-b", file, user, password]);
      if (made.exitCode !== 0)
        throw new Error(`mosquitto_passwd failed: ${made.stderr.toString()}`);
    }
    lines.push("allow_anonymous false", `password_file ${file}`);
  } else {
    lines.push("allow_anonymous true");
  }
  return `${lines.join("\n")}\n`;
}

/** What each listener needs of its own: the certificate, with TLS. */
function listenerLines(dir: string, options: MosquittoOptions): string[] {
  if (!options.tls) return [];
  writeFileSync(join(dir, "cert.pem"), options.tls.cert);
  writeFileSync(join(dir, "key.pem"), options.tls.key);
  return [`certfile ${join(dir, "cert.pem")}`, `keyfile ${join(dir, "key.pem")}`];
}

async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** True when each of `ports` accepts a TCP connection on 127.0.0.1. */
async function accepts(ports: readonly number[]): Promise<boolean> {
  try {
    for (const port of ports) {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      socket.end();
    }
    return true;
  } catch {
    return false;
  }
}
