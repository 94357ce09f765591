// Logger: JSON lines with level, module and message, to a replaceable sink (stdout by default).

import { LineOutput } from "./line-output.ts";

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

const stdout = new LineOutput(() => Bun.stdout.writer());
const stderr = new LineOutput(() => Bun.stderr.writer());

const stdoutSink: LogSink = (line, level) => {
  if (level === "error" || level === "warn") stderr.write(line);
  else stdout.write(line);
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
