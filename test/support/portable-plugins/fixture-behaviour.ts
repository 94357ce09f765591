// How a test plugin should misbehave: read from behaviour.json, $FIXTURE_BEHAVIOUR and --behaviour=.

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Switches of the test plugins; everything off means "a well-behaved Go SDK plugin". */
export interface FixtureBehaviour {
  /** Dial the control socket but never send the handshake. */
  neverHandshake?: boolean;
  /** Print these lines (odd ones to stderr) and exit with this code, before dialing anything. */
  exitAtOnce?: { code: number; lines: string[] };
  /** After the handshake, print a line and exit with code 1 after this many ms. */
  crashAfterMs?: number;
  /** On SIGUSR1, print a line and exit with code 1: a crash at the moment the test chooses. */
  crashOnSignal?: boolean;
  /** Keep running on SIGTERM (only SIGKILL ends it). */
  ignoreSigterm?: boolean;
  /**
   * At start, run `count` `sleep 305` helpers (each in a session of its own with `setsid`,
   * else in the plugin's group) and write their pids, one a line, to helpers.pids.
   */
  spawnHelpers?: { count: number; setsid?: boolean };
  /** Flood stdout with lines as fast as the pipe takes them (or at `bytesPerSecond`). */
  flood?: FloodBehaviour;
  /** Print this many numbered lines per second. */
  linesPerSecond?: number;
  /** REQ resend time in ms and redialing, as the legacy mirror2: it outlives its host. */
  resendMs?: number;
  /** The symbols the program implements (default: source random, sink file, function echo). */
  sources?: string[];
  sinks?: string[];
  functions?: string[];
  /** How often a source pushes a message (default 50 ms). */
  sourceIntervalMs?: number;
  /** Messages a source pushes at each interval (default 1), for throughput benchmarks. */
  sourceBurst?: number;
  /** Put the send time (`at`, ms since the epoch, sub-ms precision) in each source message. */
  stampMessages?: boolean;
}

/** A flood of output: `lineBytes`-byte lines ("yyy…\n"), then "flood done" on stderr. */
export interface FloodBehaviour {
  /** Bytes in all; absent: never stop. */
  bytes?: number;
  /** Each line's length, newline included (default 2, as `yes`). */
  lineBytes?: number;
  /** Flood before dialing the control socket (default: after the handshake). */
  beforeHandshake?: boolean;
  /** Write at this pace instead of as fast as possible. */
  bytesPerSecond?: number;
}

export const BEHAVIOUR_FILE = "behaviour.json";

/** Where `spawnHelpers` records its helpers, in the plugin's folder. */
export const HELPERS_FILE = "helpers.pids";

function parse(text: string | undefined, where: string): FixtureBehaviour {
  if (text === undefined || text.trim() === "") return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${where} is not an object`);
  return parsed as FixtureBehaviour;
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** behaviour.json in the working folder, then the environment, then argv, later ones winning. */
export function loadBehaviour(cwd: string, argv: readonly string[]): FixtureBehaviour {
  const flag = argv.find((arg) => arg.startsWith("--behaviour="))?.slice("--behaviour=".length);
  return {
    ...parse(readIfThere(join(cwd, BEHAVIOUR_FILE)), BEHAVIOUR_FILE),
    ...parse(process.env.FIXTURE_BEHAVIOUR, "FIXTURE_BEHAVIOUR"),
    ...parse(flag, "--behaviour"),
  };
}
