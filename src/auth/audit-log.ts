// log/audit.log: one JSON line per change request, appended and synced before the answer leaves.
import { type FileHandle, open } from "node:fs/promises";
import { describeError, InternalError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";

/** One change request and how it ended. */
export interface AuditRecord {
  /** When the request arrived, ISO 8601. */
  readonly time: string;
  /** The client's IP address, or null when the server could not tell it. */
  readonly client: string | null;
  /** `iss/sub` of the token, `loopback`, `trusted:<network>` or `anonymous`. */
  readonly identity: string;
  readonly method: string;
  readonly path: string;
  /** The plugin or upload named in the path or body, or null when the request named none. */
  readonly plugin: string | null;
  /** SHA-256 of the zip installed (or removed, or stored) by a successful request, else null. */
  readonly sha256: string | null;
  readonly status: number;
  readonly durationMs: number;
}

export interface AuditLog {
  /**
   * Appends `record` and syncs the file, then writes it to the log as well. A failure to write
   * the file is logged as an error, never thrown: the change it records has already happened.
   */
  write(record: AuditRecord): Promise<void>;
  /** Waits for pending lines and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens (creating) `path` for appending. It stays open while plugd runs, so rotate it with
 * copytruncate. @throws InternalError when the file cannot be opened for writing.
 */
export async function openAuditLog(path: string, logger: Logger): Promise<AuditLog> {
  let file: FileHandle;
  try {
    file = await open(path, "a", 0o640);
  } catch (err) {
    throw new InternalError(`cannot open the audit log ${path}: ${describeError(err)}`);
  }
  const log = logger.child({ module: "audit" });
  // One line at a time, so each sync covers whole lines and they keep their order.
  let tail: Promise<void> = Promise.resolve();
  const append = async (line: string, record: AuditRecord) => {
    try {
      await file.appendFile(line);
      await file.datasync();
    } catch (err) {
      log.error(`cannot write the audit log ${path}`, { error: describeError(err), ...record });
    }
  };
  return {
    write(record) {
      tail = tail.then(() => append(`${JSON.stringify(record)}\n`, record));
      // The log line has its own time; the request's goes in as startedAt.
      const { time: startedAt, ...fields } = record;
      log.info(`${record.method} ${record.path} ${record.status}`, { ...fields, startedAt });
      return tail;
    },
    async close() {
      await tail;
      await file.close();
    },
  };
}
