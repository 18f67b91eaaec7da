/**
 * `Symbol.dispose`, defined on the global `Symbol` first if the runtime lacks it (Node 20 before
 * 20.4). Code compiled by tsc for `using` (target ≤ ES2022) looks the key up on the global
 * `Symbol` at run time, so a permit is only usable with `using` if the key exists there and is
 * the one our class was defined with.
 *
 * `Symbol.for("Symbol.dispose")` (not a fresh `Symbol()`) so that independent copies of this
 * polyfill — two versions of this package, or another library doing the same — agree on one key.
 * Exported as a value (not a side-effect import) so bundlers honouring `sideEffects: false` keep it.
 */
export function ensureDisposeSymbol(target: { dispose?: symbol }): symbol {
  if (typeof target.dispose === "symbol") return target.dispose;
  const key = Symbol.for("Symbol.dispose");
  try {
    Object.defineProperty(target, "dispose", { value: key, writable: false, enumerable: false, configurable: true });
  } catch {
    // A frozen `Symbol` (hardened realms): permits still have the method under the shared key.
  }
  return key;
}

/** The key `Permit` implements; equals `Symbol.dispose` wherever that exists or could be defined. */
export const disposeSymbol: typeof Symbol.dispose = ensureDisposeSymbol(
  Symbol as unknown as { dispose?: symbol },
) as typeof Symbol.dispose;
