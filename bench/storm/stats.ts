/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

export function fmtMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}

export function fmtBytes(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(2)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

export function fmtS(ms: number): string {
  return Number.isNaN(ms) ? "-" : `${(ms / 1000).toFixed(2)} s`;
}
