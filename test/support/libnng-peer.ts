// A libnng socket in a child process driven by JSON lines, and the client the tests use to drive it.
import { LibnngError, type LibnngRole, LibnngSocket } from "./libnng.ts";

/** How to start a peer: its socket, what it does with the address, and duration options. */
export interface PeerSpec {
  role: LibnngRole;
  mode: "listen" | "dial";
  url: string;
  /** Duration options in ms by NNG name; "recv-timeout" and "send-timeout" default to 10 s. */
  ms?: Record<string, number>;
}

/** One command line: send or receive a message, or run `count` round trips for the benchmark. */
type Command =
  | { op: "send"; data: string }
  | { op: "recv" }
  | { op: "echo"; count: number }
  | { op: "ping"; count: number; size: number };

/** One answer line: `ok`, or the libnng error; `data` is base64, `times` are round trips in µs. */
interface Reply {
  ok: boolean;
  data?: string;
  times?: number[];
  error?: string;
  code?: number;
}

function parseReply(line: string): Reply {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== "object" || parsed === null || !("ok" in parsed)) {
    throw new Error(`libnng peer printed ${line.slice(0, 80)}`);
  }
  return parsed as Reply;
}

function parseCommand(line: string): Command {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== "object" || parsed === null || !("op" in parsed)) {
    throw new Error(`not a command: ${line.slice(0, 80)}`);
  }
  return parsed as Command;
}

function run(socket: LibnngSocket, command: Command): Reply {
  if (command.op === "send") socket.send(Buffer.from(command.data, "base64"));
  if (command.op === "recv")
    return { ok: true, data: Buffer.from(socket.recv()).toString("base64") };
  if (command.op === "echo") {
    for (let i = 0; i < command.count; i++) socket.send(socket.recv());
  }
  if (command.op === "ping") {
    const body = new Uint8Array(command.size);
    const times: number[] = [];
    for (let i = 0; i < command.count; i++) {
      const start = performance.now();
      socket.send(body);
      socket.recv();
      times.push((performance.now() - start) * 1000);
    }
    return { ok: true, times };
  }
  return { ok: true };
}

function attempt(action: () => Reply): Reply {
  try {
    return action();
  } catch (err) {
    if (err instanceof LibnngError) return { ok: false, error: err.message, code: err.code };
    return { ok: false, error: String(err) };
  }
}

async function serve(spec: PeerSpec): Promise<void> {
  const socket = new LibnngSocket(spec.role);
  const ms = { "recv-timeout": 10_000, "send-timeout": 10_000, ...spec.ms };
  const started = attempt(() => {
    for (const [name, value] of Object.entries(ms)) socket.setMs(name, value);
    if (spec.mode === "listen") socket.listen(spec.url);
    else socket.dial(spec.url);
    return { ok: true };
  });
  console.log(JSON.stringify(started));
  if (!started.ok) process.exit(3);
  for await (const line of console) {
    console.log(JSON.stringify(attempt(() => run(socket, parseCommand(line)))));
  }
  socket.close();
}

if (import.meta.main) await serve(JSON.parse(process.argv[2] ?? "{}") as PeerSpec);

/** Drives a libnng peer process; each call answers in order. Dispose to kill the process. */
export class LibnngPeer implements AsyncDisposable {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;

  private constructor(private readonly child: Bun.Subprocess<"pipe", "pipe", "pipe">) {
    void this.pump();
  }

  /** Spawns the peer; rejects with a LibnngError when its listen or dial fails. */
  static async start(spec: PeerSpec): Promise<LibnngPeer> {
    const child = Bun.spawn([process.execPath, import.meta.path, JSON.stringify(spec)], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const peer = new LibnngPeer(child);
    const first = await peer.nextReply();
    if (!first.ok) {
      await peer.kill();
      throw new LibnngError(spec.mode, first.code ?? -1, first.error ?? "failed");
    }
    return peer;
  }

  /** Sends one message (nng_send); resolves when libnng accepted it. */
  async send(body: Uint8Array): Promise<void> {
    await this.call({ op: "send", data: Buffer.from(body).toString("base64") });
  }

  /** Receives one message (nng_recv). */
  async recv(): Promise<Uint8Array> {
    return Buffer.from((await this.call({ op: "recv" })).data ?? "", "base64");
  }

  /** REP: answers `count` requests with their own body. */
  async echo(count: number): Promise<void> {
    await this.call({ op: "echo", count });
  }

  /** REQ: runs `count` round trips of `size` bytes and returns each one's time in µs. */
  async ping(count: number, size: number): Promise<number[]> {
    return (await this.call({ op: "ping", count, size })).times ?? [];
  }

  /** Kills the process at once (SIGKILL, like eKuiper) and waits for it. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.child.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }

  private async call(command: Command): Promise<Reply> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    this.child.stdin.flush();
    const reply = await this.nextReply();
    if (!reply.ok) throw new LibnngError(command.op, reply.code ?? -1, reply.error ?? "failed");
    return reply;
  }

  private async nextReply(): Promise<Reply> {
    const line =
      this.lines.shift() ??
      (this.ended ? undefined : await new Promise<string | undefined>((r) => this.waiting.push(r)));
    if (line === undefined) {
      const stderr = await new Response(this.child.stderr).text();
      throw new Error(`libnng peer exited (${await this.child.exited}): ${stderr}`);
    }
    return parseReply(line);
  }

  private async pump(): Promise<void> {
    let buffered = "";
    const decoder = new TextDecoder();
    for await (const chunk of this.child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    }
    this.ended = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
