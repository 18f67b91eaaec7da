import { parseListenAddress } from "@subtreekit/settings";

/** `asset_httpListenAddress` (Go form, `:8090` = all interfaces) → Bun.serve's hostname/port. */
export function parseListen(address: string): { hostname: string; port: number } {
  const parsed = parseListenAddress(address);
  if (!parsed) throw new RangeError(`bad listen address ${JSON.stringify(address)}`);
  return { hostname: parsed.hostname ?? "0.0.0.0", port: parsed.port };
}
