/** Timers cannot express more than this; longer timeouts are treated as "no timeout". */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts, so a
 * caller-supplied hook that ignores the signal cannot hold up cancellation.
 */
export function raceAbort<T>(promise: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
