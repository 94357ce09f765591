// Zip entry names turned into safe relative paths, or refused: the gate between a zip and the disk.
import { badRequest } from "../errors.ts";

/** Linux's PATH_MAX and NAME_MAX: longer names could not be created, so refuse them up front. */
const maxNameLength = 4096;
const maxSegmentLength = 255;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const controlCharacter = /[\u0000-\u001f\u007f]/;
const driveLetter = /^[A-Za-z]:/;
const plainName = /^[\w.\-/+@=,~]+$/;

/**
 * How an entry name appears in messages: as is when it is plain, else JSON-quoted so that
 * spaces, control characters and quotes stay visible.
 */
export function entryLabel(name: string): string {
  return plainName.test(name) ? name : JSON.stringify(name);
}

/**
 * The normalized relative path for a zip entry name: forward slashes, no empty or `.`
 * segments, no trailing slash (folders are told apart by the entry, not by the name).
 * Throws 400 naming the entry when the name is empty, absolute (`/x`, `C:x`), climbs out
 * (`..`), uses backslashes, holds a NUL byte or another control character, is made of `.`
 * segments only, or is longer than Linux allows.
 */
export function checkEntryName(name: string): string {
  const refuse = (why: string) => badRequest(`zip entry ${entryLabel(name)} ${why}`);
  if (name.length === 0) throw badRequest("zip entry with an empty name");
  const control = controlCharacter.exec(name);
  if (control !== null) throw refuse(`has a control character (${codePoint(control[0])})`);
  // Windows tools read a backslash as a separator, so "a\..\..\x" would climb out there.
  if (name.includes("\\")) throw refuse("uses a backslash; zip names use forward slashes");
  if (name.startsWith("/")) throw refuse("is an absolute path");
  if (driveLetter.test(name)) throw refuse("starts with a drive letter");
  if (name.length > maxNameLength) throw refuse(`is longer than ${maxNameLength} characters`);
  const segments = name.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) throw refuse("climbs out of its folder with ..");
  if (segments.length === 0) throw refuse("names no file, only . segments");
  if (segments.some((segment) => segment.length > maxSegmentLength)) {
    throw refuse(`has a path segment longer than ${maxSegmentLength} characters`);
  }
  return segments.join("/");
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
