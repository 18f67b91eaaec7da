/** A raw value plus where it came from, as fed to expansion. */
export interface RawValue {
  readonly value: string;
  readonly source: string;
  /** Env values are taken literally: the shell that set them already expanded them. */
  readonly literal: boolean;
}

/** Why expansion of one value failed. */
export class ExpansionFailure {
  constructor(readonly expected: string) {}
}

/**
 * Expands `${NAME}` in `raw`. NAME takes its effective value under the same precedence as the
 * settings themselves (env exact > env upper-case > settings_local.conf > settings.conf >
 * built-in default), which `lookup` implements, and is expanded recursively. An undefined NAME,
 * an unterminated `${` or a reference cycle is an error naming the variable: silently expanding
 * to "" would turn `file://${DATADIR}/x` into a path at the filesystem root.
 */
export function expand(
  raw: RawValue,
  lookup: (name: string) => RawValue | undefined,
  seen: readonly string[] = [],
): string | ExpansionFailure {
  if (raw.literal) return raw.value;
  let out = "";
  let rest = raw.value;
  for (;;) {
    const at = rest.indexOf("${");
    if (at < 0) return out + rest;
    const end = rest.indexOf("}", at + 2);
    if (end < 0) return new ExpansionFailure(`unterminated "\${" (missing "}")`);
    const name = rest.slice(at + 2, end).trim();
    if (name === "") return new ExpansionFailure(`empty variable name "\${}"`);
    if (seen.includes(name)) return new ExpansionFailure(`circular reference: ${[...seen, name].join(" -> ")}`);
    const ref = lookup(name);
    if (!ref) {
      return new ExpansionFailure(`undefined variable \${${name}}: define it in a settings file or the environment`);
    }
    const inner = expand(ref, lookup, [...seen, name]);
    if (inner instanceof ExpansionFailure) return inner;
    out += rest.slice(0, at) + inner;
    rest = rest.slice(end + 1);
  }
}
