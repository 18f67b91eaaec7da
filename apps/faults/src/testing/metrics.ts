/** Sum of the samples of `name` in Prometheus text whose labels include every pair of `match`. */
export function metricSum(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? "";
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

/** The server's /metrics text. */
export async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  return await res.text();
}

export const CREATED = "teranode_asset_repository_subtree_data_created_total";
export const CREATE_IN_USE = "subtreekit_asset_create_permits_in_use";
export const BUILDS_IN_FLIGHT = "subtreekit_asset_builds_in_flight";
