// Distributions: exact moments and quantiles against their closed forms, and samplers against both.
// Sampling tolerances are 99.99 % confidence intervals: of the sample mean from the exact standard
// deviation (CLT), and of the fraction of draws below a quantile (binomial), so a correct sampler fails a
// check about once in 10,000 seeds, while a wrong parameterisation fails it for certain.

import { describe, expect, it } from 'vitest';
import { Dist, type DistSpec, normalQuantile, Rng } from '../../src/engine/index.js';

const Z = normalQuantile(1 - 0.0001 / 2);
const N = 200_000;

function draw(spec: DistSpec, seed: number): { dist: Dist; xs: Float64Array } {
  const dist = new Dist(spec);
  const rng = new Rng(seed, 'dist');
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = dist.sample(rng);
  return { dist, xs };
}

function expectMeanWithinCI(xs: Float64Array, dist: Dist): void {
  let sum = 0;
  for (const x of xs) sum += x;
  expect(Math.abs(sum / xs.length - dist.mean)).toBeLessThanOrEqual(
    (Z * Math.sqrt(dist.variance)) / Math.sqrt(xs.length),
  );
}

function expectQuantilesWithinCI(xs: Float64Array, dist: Dist): void {
  for (const p of [0.1, 0.5, 0.9, 0.99]) {
    const q = dist.quantile(p);
    let below = 0;
    for (const x of xs) if (x <= q) below++;
    expect(Math.abs(below / xs.length - p)).toBeLessThanOrEqual(Z * Math.sqrt((p * (1 - p)) / xs.length));
  }
}

describe('closed forms', () => {
  it('constant', () => {
    const d = new Dist({ dist: 'constant', value: 0.25 });
    expect([d.kind, d.mean, d.variance, d.cv, d.quantile(0.3)]).toEqual(['constant', 0.25, 0, 0, 0.25]);
  });

  it('exponential: mean, cv 1, quantile -mean ln(1-p)', () => {
    const d = new Dist({ dist: 'exponential', mean: 0.2 });
    expect(d.mean).toBe(0.2);
    expect(d.cv).toBeCloseTo(1, 15);
    expect(d.quantile(0.5)).toBeCloseTo(0.2 * Math.LN2, 15);
    expect(d.quantile(0.99)).toBeCloseTo(-0.2 * Math.log(0.01), 15);
  });

  it('lognormal from median and p99 returns them as its quantiles', () => {
    const d = new Dist({ dist: 'lognormal', median: 0.005, p99: 0.04 });
    expect(d.quantile(0.5)).toBeCloseTo(0.005, 15);
    expect(d.quantile(0.99) / 0.04).toBeCloseTo(1, 12);
    const sigma = Math.log(8) / 2.3263478740408408;
    expect(d.mean / (0.005 * Math.exp((sigma * sigma) / 2))).toBeCloseTo(1, 14);
    expect(d.cv).toBeCloseTo(Math.sqrt(Math.expm1(sigma * sigma)), 14);
  });

  it('lognormal from mu and sigma', () => {
    const d = new Dist({ dist: 'lognormal', mu: -3, sigma: 0.5 });
    expect(d.mean).toBeCloseTo(Math.exp(-3 + 0.125), 15);
    expect(d.quantile(0.5)).toBeCloseTo(Math.exp(-3), 15);
    expect(d.quantile(0.975) / Math.exp(-3 + 0.5 * 1.959963984540054)).toBeCloseTo(1, 14);
  });

  it('pareto: mean and cv where finite, Infinity where they diverge', () => {
    const d3 = new Dist({ dist: 'pareto', alpha: 3, xm: 0.1 });
    expect(d3.mean).toBeCloseTo(0.15, 15);
    expect(d3.cv).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(d3.quantile(0)).toBe(0.1);
    expect(d3.quantile(0.875)).toBeCloseTo(0.2, 14); // (1 - p)^(-1/3) = 2
    const d15 = new Dist({ dist: 'pareto', alpha: 1.5, xm: 1 });
    expect(d15.mean).toBeCloseTo(3, 14);
    expect(d15.cv).toBe(Number.POSITIVE_INFINITY);
    const d1 = new Dist({ dist: 'pareto', alpha: 1, xm: 1 });
    expect(d1.mean).toBe(Number.POSITIVE_INFINITY);
    expect(d1.cv).toBe(Number.POSITIVE_INFINITY);
  });

  it('pareto from mean and alpha sets xm = mean (alpha - 1) / alpha', () => {
    const d = new Dist({ dist: 'pareto', alpha: 2.5, mean: 0.5 });
    expect(d.mean).toBeCloseTo(0.5, 15);
    expect(d.quantile(0)).toBeCloseTo(0.3, 15);
    expect(() => new Dist({ dist: 'pareto', alpha: 1, mean: 0.5 })).toThrow(RangeError);
  });

  it('uniform', () => {
    const d = new Dist({ dist: 'uniform', min: 0.1, max: 0.3 });
    expect(d.mean).toBeCloseTo(0.2, 15);
    expect(d.variance).toBeCloseTo(0.04 / 12, 15);
    expect(d.cv).toBeCloseTo(0.2 / Math.sqrt(12) / 0.2, 14);
    expect(d.quantile(0.25)).toBeCloseTo(0.15, 15);
  });

  it('empirical values: population moments and the inverse of the step CDF', () => {
    const d = new Dist({ dist: 'empirical', values: [4, 1, 3, 2] });
    expect(d.mean).toBe(2.5);
    expect(d.variance).toBe(1.25);
    expect([0, 0.25, 0.26, 0.5, 0.75, 0.76, 1].map((p) => d.quantile(p))).toEqual([1, 1, 2, 2, 3, 4, 4]);
  });

  it('empirical buckets: uniform inside (previous le, le], first from 0', () => {
    const d = new Dist({
      dist: 'empirical',
      buckets: [
        { le: 0.01, weight: 2 },
        { le: 0.02, weight: 0 },
        { le: 0.04, weight: 2 },
      ],
    });
    // Half the mass uniform on (0, 0.01], half on (0.02, 0.04].
    expect(d.mean).toBeCloseTo(0.5 * 0.005 + 0.5 * 0.03, 15);
    const m2 = 0.5 * (0.01 ** 2 / 3) + 0.5 * ((0.02 ** 2 + 0.02 * 0.04 + 0.04 ** 2) / 3);
    expect(d.variance).toBeCloseTo(m2 - d.mean ** 2, 15);
    expect(d.quantile(0.25)).toBeCloseTo(0.005, 15);
    expect(d.quantile(0.5)).toBeCloseTo(0.01, 15);
    expect(d.quantile(0.75)).toBeCloseTo(0.03, 15);
    expect(d.quantile(1)).toBeCloseTo(0.04, 15);
    const leadingEmpty = new Dist({
      dist: 'empirical',
      buckets: [
        { le: 1, weight: 0 },
        { le: 2, weight: 1 },
      ],
    });
    expect(leadingEmpty.quantile(0)).toBe(1);
  });

  it('rejects invalid parameters', () => {
    const bad: DistSpec[] = [
      { dist: 'constant', value: -1 },
      { dist: 'exponential', mean: 0 },
      { dist: 'lognormal', median: 0.01, p99: 0.005 },
      { dist: 'lognormal', mu: 0, sigma: 0 },
      { dist: 'pareto', alpha: 0, xm: 1 },
      { dist: 'uniform', min: 2, max: 1 },
      { dist: 'empirical', values: [] },
      {
        dist: 'empirical',
        buckets: [
          { le: 2, weight: 1 },
          { le: 1, weight: 1 },
        ],
      },
      { dist: 'empirical', buckets: [{ le: 1, weight: 0 }] },
      { dist: 'exponential', mean: Number.NaN },
    ];
    for (const spec of bad) expect(() => new Dist(spec), JSON.stringify(spec)).toThrow(RangeError);
    expect(() => new Dist({ dist: 'uniform', min: 0, max: 1 }).quantile(1.5)).toThrow(RangeError);
  });
});

describe('samplers match their distributions', () => {
  const withFiniteVariance: [string, DistSpec][] = [
    ['exponential', { dist: 'exponential', mean: 0.2 }],
    ['lognormal (median, p99)', { dist: 'lognormal', median: 0.005, p99: 0.04 }],
    ['lognormal (mu, sigma)', { dist: 'lognormal', mu: 0, sigma: 1 }],
    ['pareto alpha 3', { dist: 'pareto', alpha: 3, xm: 0.1 }],
    ['uniform', { dist: 'uniform', min: 0.1, max: 0.3 }],
    ['empirical values', { dist: 'empirical', values: [0.001, 0.002, 0.002, 0.01, 0.5] }],
    [
      'empirical buckets',
      {
        dist: 'empirical',
        buckets: [
          { le: 0.005, weight: 50 },
          { le: 0.01, weight: 30 },
          { le: 0.05, weight: 0 },
          { le: 0.1, weight: 20 },
        ],
      },
    ],
  ];

  it.each(withFiniteVariance.map(([name, spec]) => ({ name, spec })))(
    '$name: sample mean and quantiles within their 99.99 % intervals',
    ({ spec }) => {
      const { dist, xs } = draw(spec, 11);
      expectMeanWithinCI(xs, dist);
      if (spec.dist !== 'empirical' || !('values' in spec)) expectQuantilesWithinCI(xs, dist);
    },
  );

  it('empirical values: each value drawn with probability 1/n', () => {
    const { xs } = draw({ dist: 'empirical', values: [3, 1, 2, 2] }, 12);
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    const sd = (p: number) => Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(counts.get(1)! / N - 0.25)).toBeLessThan(Z * sd(0.25));
    expect(Math.abs(counts.get(2)! / N - 0.5)).toBeLessThan(Z * sd(0.5));
    expect(Math.abs(counts.get(3)! / N - 0.25)).toBeLessThan(Z * sd(0.25));
  });

  it('empirical buckets: never draws inside a zero-weight bucket', () => {
    const { xs } = draw(
      {
        dist: 'empirical',
        buckets: [
          { le: 1, weight: 1 },
          { le: 2, weight: 0 },
          { le: 3, weight: 1 },
        ],
      },
      13,
    );
    expect(xs.every((x) => x <= 1 || x > 2)).toBe(true);
  });

  it('heavy pareto (alpha 1.5, infinite variance): quantiles within their intervals', () => {
    const { dist, xs } = draw({ dist: 'pareto', alpha: 1.5, xm: 0.01 }, 14);
    expectQuantilesWithinCI(xs, dist);
    expect(xs.every((x) => x >= 0.01)).toBe(true);
  });

  it('constant draws nothing; every other kind draws exactly one generator step per sample', () => {
    // One step per sample keeps a stream aligned between runs whatever values it produces.
    const steps = (spec: DistSpec): number => {
      const a = new Rng(15, 's');
      const b = new Rng(15, 's');
      const d = new Dist(spec);
      for (let i = 0; i < 100; i++) d.sample(a);
      const next = a.nextU32();
      for (let k = 0; k <= 300; k++) {
        if (b.nextU32() === next) return k / 100;
      }
      return Number.NaN;
    };
    expect(steps({ dist: 'constant', value: 1 })).toBe(0);
    expect(steps({ dist: 'exponential', mean: 1 })).toBe(1);
    expect(steps({ dist: 'uniform', min: 0, max: 1 })).toBe(1);
    expect(steps({ dist: 'empirical', values: [1, 2] })).toBe(1);
    expect(steps({ dist: 'lognormal', mu: 0, sigma: 1 })).toBe(1);
    expect(steps({ dist: 'pareto', alpha: 2, xm: 1 })).toBe(1);
    expect(steps({ dist: 'empirical', buckets: [{ le: 1, weight: 1 }] })).toBe(1);
  });
});

describe('normalQuantile (AS 241)', () => {
  it('matches reference values', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(1e-10) / -6.361340902404056).toBeCloseTo(1, 14);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });
});
