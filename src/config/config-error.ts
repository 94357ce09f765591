// ConfigError: a fault of the configuration (file, environment or flags), fatal at start.

/** A configuration that cannot be used; the message names the file and the key. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
