/**
 * Seeded randomness for the traffic generator. Everything the generator draws comes from here, so the
 * same seed always yields the same traffic. Two kinds of randomness are offered:
 *
 * - `Random`, a sequential stream (sfc32), for draws whose order is fixed by the time line;
 * - `mix32` / `hashOf`, stateless integer hashes, for attributes that must stay the same whenever an
 *   entity (a client, a title rank) reappears, wherever in the stream that happens.
 */

const UINT32 = 4294967296;

/** A 32-bit avalanche mix (lowbias32). A bijection on 32-bit integers; the result is unsigned. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a few integers into one unsigned 32-bit value; order matters. */
export function hashOf(a: number, b: number, c = 0): number {
  return mix32(mix32(mix32(a) ^ b) ^ c);
}

/** Maps an unsigned 32-bit hash onto [0, n). */
export function hashIndex(hash: number, n: number): number {
  return Math.floor((hash / UINT32) * n);
}

/** Turns any integer seed (it may exceed 32 bits) into a 32-bit one without losing its high bits. */
export function seed32(seed: number): number {
  const high = Math.floor(seed / UINT32);
  return hashOf(seed >>> 0, high >>> 0, 0x5eed);
}

/** A small, fast seeded generator (sfc32, by Chris Doty-Humphrey; passes PractRand). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const s = seed32(seed);
    this.a = mix32(s ^ 0x9e3779b9);
    this.b = mix32(s ^ 0x243f6a88);
    this.c = mix32(s ^ 0xb7e15162);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / UINT32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/**
 * A fixed set of items with relative weights, drawn in O(log n) from a cumulative table. Built once at
 * module load; the draw allocates nothing.
 */
export class Weighted<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error("Weighted needs at least one entry");
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new Error(`negative or NaN weight at ${i}`);
      total += weight;
      this.cumulative[i] = total;
    });
    if (total <= 0) throw new Error("Weighted needs a positive total weight");
    for (let i = 0; i < entries.length; i++) this.cumulative[i] = (this.cumulative[i] as number) / total;
  }

  /** The item whose cumulative share covers `u`, a number in [0, 1). */
  at(u: number): T {
    const cumulative = this.cumulative;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < (cumulative[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }

  draw(random: Random): T {
    return this.at(random.next());
  }

  /** A draw fixed by a hash rather than by the stream: the same hash always gives the same item. */
  byHash(hash: number): T {
    return this.at(hash / UINT32);
  }
}

/**
 * Zipf-distributed ranks in [1, n]: P(k) ∝ 1 / k^exponent. Rejection-inversion sampling (Hörmann and
 * Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions", 1996), so
 * a draw is O(1) and needs no table, whatever n is.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly squeeze: number;

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    if (!(n >= 1) || !(exponent > 0)) throw new Error(`invalid Zipf parameters n=${n} s=${exponent}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  sample(random: Random): number {
    for (;;) {
      const u = this.hIntegralN + random.next() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.exponent) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1;
    return Math.exp(log1pOverX(t) * x);
  }
}

/** log(1 + x) / x, accurate near 0. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (1 / 2 - x * (1 / 3 - x / 4));
}

/** (e^x − 1) / x, accurate near 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}
