// checkSha256: the one test of a SHA-256 a client gives, for the install body and the download.
import { badRequest } from "../errors.ts";

/**
 * The lower-case form of the hex SHA-256 `text`, or undefined when none was given; clients may
 * write it in either case. @throws AppError 400 when it is not 64 hexadecimal digits.
 */
export function checkSha256(text: string | undefined): string | undefined {
  const digest = text?.toLowerCase();
  if (digest !== undefined && !/^[0-9a-f]{64}$/.test(digest)) {
    throw badRequest(`sha256 must be 64 hexadecimal digits, not ${JSON.stringify(text)}`);
  }
  return digest;
}
