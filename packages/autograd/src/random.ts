import { brandClass } from './process.js';
import { ArgumentError } from './errors.js';
import { describeValue } from './shape.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, with splitmix32 seeding). Every random
 * function in tapegrad takes one explicitly, so the same seed gives the same bits everywhere.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /**
   * @param seed an integer (a safe integer, |seed| < 2⁵³); equal seeds give identical streams.
   * The low 32 bits seed the state as they always did, so seeds in [0, 2³²) keep their streams;
   * the high part (nonzero above 2³² and for negative seeds) is mixed into the state word that the first output reads (s1)
   * only when present, by a bijection, so distinct seeds always give distinct states (0 and 2³²
   * used to give the same stream). Fractional seeds are refused rather than silently truncated.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new ArgumentError(
        `Rng: seed must be an integer (a safe integer, |seed| < 2^53), got ${seed}; use Math.round or an integer constant.`,
      );
    }
    const high = Math.floor(seed / 2 ** 32); // 0 for seeds in [0, 2³²); −1 for small negative ones
    let x = ((seed - high * 2 ** 32) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // |high| < 2²¹, so high >>> 0 tells every high part apart; xor with a constant and a multiply
    // by an odd constant are both invertible, so different high parts give different s1 (and the
    // streams differ from their first output on).
    if (high !== 0) this.s1 = (this.s1 ^ Math.imul((high >>> 0) ^ 0x85ebca6b, 0x27d4eb2f)) >>> 0;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`Rng.int: n must be a positive integer, got ${n}.`);
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items))
      throw new ArgumentError(`Rng.shuffle: items must be an array (shuffled in place), got ${describeValue(items)}.`);
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    // Beyond 2³² − 1 no JS array can hold the result (and Array.from would throw a raw RangeError).
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1)
      throw new ArgumentError(
        `Rng.permutation: n must be an integer in [0, 2^32 − 1] (the longest array), got ${describeValue(n)}.`,
      );
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** A new generator seeded from this one, for handing independent streams to sub-tasks. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

// `instanceof Rng` holds for generators of either build (ESM or CJS) loaded in this process.
brandClass(Rng, 'Rng');
