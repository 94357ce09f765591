// Logger: JSON lines with level, module and message, to a replaceable sink (stdout by default).

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where finished log lines go; tests pass their own to read what was logged. */
export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` (usually `{module}`) to every line. */
  child(fields: LogFields): Logger;
}

type Writer = ReturnType<typeof Bun.stdout.writer>;

/**
 * Writes `line` through Bun's native writer of fd 1 or 2 (made at the first line), flushed at
 * once. Not process.stdout: that loads Node's streams, a few milliseconds of every start. The
 * writes never block: what a full pipe (a slow journald) cannot take yet is queued. A reader
 * that has gone (EPIPE) costs the line, never plugd; nothing else could report it anyway.
 */
function writeLine(writer: Writer, line: string): void {
  try {
    writer.write(`${line}\n`);
    const flushed = writer.flush();
    if (flushed instanceof Promise) flushed.catch(() => undefined);
  } catch {
    // The line is lost; the process must not be.
  }
}

const writers: { stdout?: Writer; stderr?: Writer } = {};

const stdoutSink: LogSink = (line, level) => {
  if (level === "error" || level === "warn") {
    writers.stderr ??= Bun.stderr.writer();
    writeLine(writers.stderr, line);
  } else {
    writers.stdout ??= Bun.stdout.writer();
    writeLine(writers.stdout, line);
  }
};

/** Errors do not survive JSON.stringify; turn them into their messages. */
function plain(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? value.message : value;
  }
  return out;
}

/** Creates a logger that writes lines at `level` and above to `sink`. */
export function createLogger(
  options: { level?: LogLevel; sink?: LogSink; fields?: LogFields } = {},
): Logger {
  const min = rank[options.level ?? "info"];
  const sink = options.sink ?? stdoutSink;
  const base = options.fields ?? {};
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (rank[level] < min) return;
    const record = { time: new Date().toISOString(), level, ...base, msg, ...plain(fields ?? {}) };
    sink(JSON.stringify(record), level);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) =>
      createLogger({ level: options.level ?? "info", sink, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });
