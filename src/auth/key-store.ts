// The public keys in etc/mgmt/: read on first use, kept, and read again when the folder changes.
import type { KeyObject } from "node:crypto";
import { closeSync, type FSWatcher, fstatSync, openSync, statSync, watch } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config/load.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";

/** A key file: its key, or why it cannot be used. */
export type KeyEntry =
  | { readonly file: string; readonly key: CryptoKey }
  | { readonly file: string; readonly problem: string };

/** Finds the key a token's issuer names; the token verifier needs nothing more. */
export interface KeyFinder {
  find(issuer: string): Promise<KeyEntry | undefined>;
}

type KeyMap = ReadonlyMap<string, KeyEntry>;

/**
 * Keys by file name, matched without regard to case as eKuiper matches them. The folder is
 * watched; any event drops what was read, so the next request reads it again. A folder
 * replaced by another is watched anew. When it cannot be watched, keys are read for every
 * request instead.
 */
export class KeyStore implements KeyFinder {
  #cached: Promise<KeyMap> | undefined;
  /** The watch, and the folder held open so its inode cannot be handed to a new folder. */
  #watched:
    | { readonly watcher: FSWatcher; readonly folder: number; readonly inode: number }
    | undefined;
  #unwatchable = false;
  readonly #log: Logger;

  constructor(
    readonly dir: string,
    log: Logger,
  ) {
    this.#log = log;
    this.#watch();
  }

  async find(issuer: string): Promise<KeyEntry | undefined> {
    return (await this.#load()).get(issuer.toLowerCase());
  }

  /** Every key file, for the start log. */
  async entries(): Promise<KeyEntry[]> {
    return [...(await this.#load()).values()];
  }

  close(): void {
    if (this.#watched) {
      this.#watched.watcher.close();
      closeSync(this.#watched.folder);
    }
    this.#watched = undefined;
    this.#cached = undefined;
  }

  #load(): Promise<KeyMap> {
    // A watch follows the folder it was set on, not its name: a new folder needs a new watch.
    if (
      !this.#unwatchable &&
      statSync(this.dir, { throwIfNoEntry: false })?.ino !== this.#watched?.inode
    ) {
      this.close();
      this.#watch();
    }
    if (!this.#watched) return readKeys(this.dir);
    this.#cached ??= readKeys(this.dir);
    return this.#cached;
  }

  #watch(): void {
    let folder: number | undefined;
    try {
      folder = openSync(this.dir, "r");
      const watcher = watch(this.dir, { persistent: false }, () => {
        this.#cached = undefined;
      });
      watcher.on("error", (err) => this.#giveUpWatching(err));
      this.#watched = { watcher, folder, inode: fstatSync(folder).ino };
    } catch (err) {
      if (folder !== undefined) closeSync(folder);
      this.#giveUpWatching(err);
    }
  }

  #giveUpWatching(err: unknown): void {
    this.#log.warn(`cannot watch ${this.dir}; public keys are read for every request`, {
      error: describeError(err),
    });
    this.close();
    this.#unwatchable = true;
  }
}

/** Reads every file of `dir`; a folder that cannot be read holds no keys. */
async function readKeys(dir: string): Promise<KeyMap> {
  const keys = new Map<string, KeyEntry>();
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return keys;
  }
  for (const file of names) {
    // eKuiper takes the first match in name order when names differ only in case.
    if (!keys.has(file.toLowerCase())) keys.set(file.toLowerCase(), await readKey(dir, file));
  }
  return keys;
}

async function readKey(dir: string, file: string): Promise<KeyEntry> {
  try {
    return { file, key: await importRsaPublicKey(await readFile(join(dir, file), "utf8")) };
  } catch (err) {
    return { file, problem: describeError(err) };
  }
}

/**
 * Imports a PEM RSA public key for RS256, in any form eKuiper reads: SubjectPublicKeyInfo
 * (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`) or a certificate.
 * @throws ConfigError saying why the text is not such a key (readKey makes it the file's problem).
 */
export async function importRsaPublicKey(pem: string): Promise<CryptoKey> {
  // Loaded only with authentication on: node:crypto costs several milliseconds of every start.
  const { createPublicKey } = await import("node:crypto");
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new ConfigError(`not a PEM public key or certificate (${describeError(err)})`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new ConfigError(`not an RSA key (its type is ${key.asymmetricKeyType ?? "unknown"})`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new ConfigError(`an RSA key of ${bits} bits; RS256 needs 2048 or more`);
  const spki = key.export({ type: "spki", format: "der" });
  return crypto.subtle.importKey(
    "spki",
    spki,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
}
