// The broker a `plugd fleet` command talks to: --broker, else fleet.url of the configuration.
import { readFileSync } from "node:fs";
import type { IClientOptions, MqttClient } from "mqtt";
import { loadConfig, resolveHome } from "../config/load.ts";
import { brokerOptions } from "../fleet/agent/broker-options.ts";

export interface BrokerFlags {
  broker: string | undefined;
  home: string | undefined;
  config: string | undefined;
}

/** The broker URL and topic prefix. */
export interface BrokerTarget {
  url: string;
  prefix: string;
  options: IClientOptions;
}

/**
 * --broker wins; the configuration (<home>/etc/plugd.yaml or --config) gives the URL when it is
 * absent, and its credentials, CA and prefix in every case. Throws ConfigError or Error when
 * there is no broker at all.
 */
export function brokerTarget(flags: BrokerFlags): BrokerTarget {
  const home = resolveHome(flags.home, "./plugd-home");
  const { fleet } = loadConfig({ home, configFile: flags.config });
  const url = flags.broker ?? fleet.url;
  if (url === "")
    throw new Error("no broker: give --broker URL or set fleet.url in the configuration");
  const options: IClientOptions = {
    ...brokerOptions(url),
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    writeCache: false,
    ...(fleet.username === "" ? {} : { username: fleet.username }),
    ...(fleet.password === "" ? {} : { password: fleet.password }),
    ...(fleet.cafile === "" ? {} : { ca: [readFileSync(fleet.cafile, "utf8")] }),
    ...(fleet.certfile === "" ? {} : { cert: readFileSync(fleet.certfile, "utf8") }),
    ...(fleet.keyfile === "" ? {} : { key: readFileSync(fleet.keyfile, "utf8") }),
  };
  return { url, prefix: fleet.prefix, options };
}

/** Connects (MQTT.js loaded only now); rejects with the broker's refusal. */
export async function connectBroker(target: BrokerTarget): Promise<MqttClient> {
  const { connectAsync } = await import("mqtt");
  return await connectAsync(target.options);
}
