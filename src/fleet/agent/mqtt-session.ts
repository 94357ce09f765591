// MqttSession: one connection to the broker, kept up with back-off; MQTT 5, else 3.1.1; mqtt loaded lazily.

import type { IClientOptions, MqttClient } from "mqtt";
import { describeError } from "../../errors.ts";
import type { Logger } from "../../log/logger.ts";
import { brokerOptions } from "./broker-options.ts";
import { maxDesiredBytes } from "./desired.ts";
import { ErrorNotes } from "./error-notes.ts";
import { reconnectDelay } from "./reconnect-delay.ts";

/** connecting → connected; reconnecting after a loss; unauthorized while the broker refuses us. */
export type LinkState = "connecting" | "connected" | "reconnecting" | "unauthorized" | "stopped";

export interface SessionOptions {
  url: string;
  clientId: string;
  username: string;
  password: string;
  /** PEM texts, or undefined. */
  tls: { cert?: string; key?: string; ca?: string };
  /** The last will, asked for at each connect (so it says what is applied then). */
  will(): { topic: string; payload: string };
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Subscribed (QoS 1) at every connect, retained values included. */
  topics: readonly string[];
  onConnected(): void;
  onMessage(topic: string, payload: Uint8Array): void;
  logger: Logger;
}

/** CONNACK codes saying the credentials were refused (MQTT 5: 134, 135; 3.1.1: 4, 5). */
/** The largest packet an MQTT 5 broker may send: a desired state at its cap, with its topic. */
const maxPacketBytes = maxDesiredBytes + 64 * 1024;
const refusedCredentials = new Set([134, 135, 4, 5]);
/** CONNACK codes saying the broker does not speak the protocol version (MQTT 5: 132; 3.1.1: 1). */
const refusedVersion = new Set([132, 1]);

const lostConnection = "lost the connection to the broker";
const closedBeforeConnack = "the broker closed the connection before accepting it";

/** A connection that reconnects on its own until stop(). */
export class MqttSession {
  readonly #options: SessionOptions;
  #client: MqttClient | undefined;
  #state: LinkState = "connecting";
  #version: 4 | 5 = 5;
  #failures = 0;
  readonly #errors: ErrorNotes;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: SessionOptions) {
    this.#options = options;
    const { logger, url } = options;
    // Once per outage and reason, not at every attempt.
    this.#errors = new ErrorNotes((message) => logger.warn(message, { url, retrying: true }));
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The last connection error ("" once connected), for GET /fleet. */
  get lastError(): string {
    return this.#errors.last;
  }

  get protocolVersion(): 4 | 5 {
    return this.#version;
  }

  /** Starts connecting; returns at once. */
  start(): void {
    void this.#connect();
  }

  /** Publishes when connected (QoS 1); false when offline (the caller publishes again on connect). */
  async publish(topic: string, payload: string, retain: boolean): Promise<boolean> {
    const client = this.#client;
    if (!client?.connected) return false;
    try {
      await client.publishAsync(topic, payload, { qos: 1, retain });
      return true;
    } catch {
      return false;
    }
  }

  /** Publishes `last` (if connected), disconnects cleanly and stops reconnecting. */
  async stop(last?: { topic: string; payload: string }): Promise<void> {
    this.#stopped = true;
    this.#state = "stopped";
    clearTimeout(this.#timer);
    const client = this.#client;
    if (!client) return;
    if (last && client.connected) await this.publish(last.topic, last.payload, true);
    await client.endAsync(!client.connected).catch(() => undefined);
  }

  async #connect(): Promise<void> {
    let client: MqttClient;
    try {
      const { connect } = await import("mqtt");
      if (this.#stopped) return;
      client = connect({ ...brokerOptions(this.#options.url), ...this.#clientOptions() });
    } catch (err) {
      // A connection that cannot even be set up (a TLS file MQTT.js refuses, say) is retried
      // like any other: it is a status and one log line, never the end of plugd.
      this.#errors.note(`cannot connect to the broker: ${describeError(err)}`);
      this.#retry();
      return;
    }
    this.#client = client;
    const seen = { closed: false, accepted: false, failed: false };
    client.on("connect", () => {
      seen.accepted = true;
      this.#onConnect(client);
    });
    client.on("message", (topic, payload) => this.#options.onMessage(topic, payload));
    client.on("error", (err) => {
      seen.failed = true;
      this.#onError(err);
    });
    client.on("close", () => {
      if (seen.closed) return;
      seen.closed = true;
      client.removeAllListeners();
      client.on("error", () => undefined);
      client.end(true);
      this.#onClose(seen);
    });
  }

  /** A close that no error explained is still said (once per outage): an outage is never silent. */
  #onClose(seen: { accepted: boolean; failed: boolean }): void {
    if (this.#stopped) return;
    if (!seen.failed) this.#errors.note(seen.accepted ? lostConnection : closedBeforeConnack);
    this.#retry();
  }

  #clientOptions(): IClientOptions {
    const { clientId, username, password, tls } = this.#options;
    const will = this.#options.will();
    return {
      protocolVersion: this.#version,
      clientId,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      // MQTT.js otherwise pre-builds 65,536 two-byte buffers (about 7 MiB) to write numbers with.
      writeCache: false,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
      ...(this.#version === 5 ? { properties: { maximumPacketSize: maxPacketBytes } } : {}),
      ...(username === "" ? {} : { username }),
      ...(password === "" ? {} : { password }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
    };
  }

  #onConnect(client: MqttClient): void {
    this.#failures = 0;
    this.#state = "connected";
    if (this.#errors.clear()) {
      this.#options.logger.info("connected to the broker again", { url: this.#options.url });
    }
    const topics = Object.fromEntries(this.#options.topics.map((t) => [t, { qos: 1 as const }]));
    client.subscribe(topics, (err) => {
      if (err) this.#errors.note(`the broker refused the subscriptions: ${describeError(err)}`);
    });
    this.#options.onConnected();
  }

  #onError(err: Error): void {
    const code = "code" in err && typeof err.code === "number" ? err.code : undefined;
    if (code !== undefined && refusedVersion.has(code) && this.#version === 5) {
      this.#version = 4;
      this.#errors.note("the broker does not speak MQTT 5; using MQTT 3.1.1");
      return;
    }
    if (code !== undefined && refusedCredentials.has(code)) {
      this.#state = "unauthorized";
      this.#errors.note(
        `the broker refused the credentials of ${this.#options.clientId}: ${err.message}`,
      );
      return;
    }
    this.#errors.note(`cannot connect to the broker: ${describeError(err)}`);
  }

  #retry(): void {
    if (this.#stopped) return;
    if (this.#state !== "unauthorized") this.#state = "reconnecting";
    const { reconnectMinMs, reconnectMaxMs } = this.#options;
    const delay = reconnectDelay(this.#failures++, reconnectMinMs, reconnectMaxMs, Math.random());
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }
}
