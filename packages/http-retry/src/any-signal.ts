/**
 * A signal that aborts with the reason of the first of `signals` to abort.
 *
 * Uses `AbortSignal.any` (Node ≥ 20.3, Bun), which holds the result weakly so long-lived
 * parent signals do not collect listeners; falls back to plain listeners on older Node 20.
 */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  if (signals.length === 1) return signals[0]!;
  if (typeof AbortSignal.any === "function") return AbortSignal.any(signals as AbortSignal[]);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => controller.abort(s.reason), { once: true, signal: controller.signal });
  }
  return controller.signal;
}
