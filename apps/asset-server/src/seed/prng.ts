/**
 * sfc32 seeded through splitmix32: a small, fast, well-mixed PRNG on 32-bit integer ops (no
 * BigInt on the hot path). Seeding matters for `seed --seed S`: the same S must give the same
 * bytes on every machine, so nothing here may depend on `Math.random` or time.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** `stream`: another sequence for the same seed (block i of a seeded chain); 0 is the seed's own. */
  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream, 0x632b_e5ab)) >>> 0;
    // splitmix32 spreads a small seed (0, 1, 2…) over the whole state.
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent generator in the same state: it draws what this one would draw next. */
  clone(): Prng {
    const c = new Prng(0);
    c.#a = this.#a;
    c.#b = this.#b;
    c.#c = this.#c;
    c.#d = this.#d;
    return c;
  }

  /** Next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Fills `out` (or a new array of `length`) with random bytes. */
  fill(out: Uint8Array): Uint8Array {
    let i = 0;
    for (; i + 4 <= out.length; i += 4) {
      const v = this.u32();
      out[i] = v;
      out[i + 1] = v >>> 8;
      out[i + 2] = v >>> 16;
      out[i + 3] = v >>> 24;
    }
    for (; i < out.length; i++) out[i] = this.u32();
    return out;
  }
}
