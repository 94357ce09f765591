// Multipart upload bodies made by hand: sent in pieces the test releases, or whole and hostile.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const boundary = "plugd-test-boundary";
export const multipartType = `multipart/form-data; boundary=${boundary}`;

/** The bytes before and after a file's content in a one-file form. */
export function formAround(fileName: string, field = "uploadFile"): { head: string; tail: string } {
  return {
    head: `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/zip\r\n\r\n`,
    tail: `\r\n--${boundary}--\r\n`,
  };
}

/**
 * A request body the test writes into piece by piece, and ends when it chooses. Once the
 * client has given up on it (the server answered early), what is sent is dropped.
 */
export interface HeldBody {
  readonly stream: ReadableStream<Uint8Array>;
  send(piece: string | Uint8Array): void;
  end(): void;
}

export function heldBody(): HeldBody {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    send: (piece) => {
      const bytes = typeof piece === "string" ? new TextEncoder().encode(piece) : piece;
      if (controller?.desiredSize !== null) controller?.enqueue(bytes);
    },
    end: () => {
      if (controller?.desiredSize !== null) controller?.close();
    },
  };
}

/** Sizes of the files being received in the home's staging folder (data/staging/upload-*). */
export function stagedUploads(home: string): number[] {
  const staging = join(home, "data", "staging");
  return readdirSync(staging)
    .filter((dir) => dir.startsWith("upload-"))
    .flatMap((dir) => {
      try {
        return [statSync(join(staging, dir, "upload")).size];
      } catch {
        return [];
      }
    });
}

/** Everything left under the home's uploads and staging folders. */
export function leftOnDisk(home: string): string[] {
  return ["uploads", "staging"].flatMap((dir) =>
    readdirSync(join(home, "data", dir)).map((entry) => `${dir}/${entry}`),
  );
}
