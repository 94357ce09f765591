// A broker URL as MQTT.js connection options (parsed here: MQTT.js's own parser is Node's deprecated url.parse).
import type { IClientOptions } from "mqtt";

const defaultPorts: Record<string, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

/** protocol, host, port (the scheme's default when absent), path for ws(s), username from the URL. */
export function brokerOptions(url: string): IClientOptions {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, "") as "mqtt" | "mqtts" | "ws" | "wss";
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const options: IClientOptions = {
    protocol,
    host: hostname,
    hostname,
    port: parsed.port === "" ? (defaultPorts[protocol] ?? 1883) : Number(parsed.port),
  };
  if (protocol === "ws" || protocol === "wss") options.path = `${parsed.pathname}${parsed.search}`;
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  return options;
}
