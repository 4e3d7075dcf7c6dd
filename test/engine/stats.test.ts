import { build } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  BatchMeans,
  LatencyHistogram,
  normalQuantile,
  Rng,
  replicationCI,
  studentTCdf,
  studentTQuantile,
  TimeWeighted,
} from '../../src/engine/index.js';

/** Two-sided standard normal quantile for a confidence level. */
const z = (level: number): number => normalQuantile(0.5 + level / 2);

describe('Student t', () => {
  it('quantiles match the published t-table (to its 6 decimals)', () => {
    const table: [number, number, number][] = [
      // [p, df, t]
      [0.975, 1, 12.706205],
      [0.975, 2, 4.302653],
      [0.975, 3, 3.182446],
      [0.975, 5, 2.570582],
      [0.975, 9, 2.262157],
      [0.975, 19, 2.093024],
      [0.975, 29, 2.04523],
      [0.975, 100, 1.983972],
      [0.995, 4, 4.604095],
      [0.995, 39, 2.707913],
      [0.9995, 19, 3.883406],
      [0.95, 10, 1.812461],
    ];
    for (const [p, df, t] of table) expect(studentTQuantile(p, df)).toBeCloseTo(t, 5);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157, 5);
  });

  it('the CDF inverts the quantile', () => {
    for (const df of [1, 2, 3, 7.5, 40]) {
      for (const p of [0.6, 0.9, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
  });
});

describe('replicationCI', () => {
  it('mean and t half-width of a small sample, Infinity with one value', () => {
    const ci = replicationCI([1, 2, 3, 4]);
    expect(ci.mean).toBe(2.5);
    // s = sqrt(5/3), t(0.975, 3) = 3.182446
    expect(ci.halfWidth).toBeCloseTo((3.182446 * Math.sqrt(5 / 3)) / 2, 5);
    expect(ci.n).toBe(4);
    expect(replicationCI([7]).halfWidth).toBe(Number.POSITIVE_INFINITY);
  });

  it('covers the true mean in 95 % of replications (5 normal values each)', () => {
    const rng = new Rng(1, 'coverage');
    const trials = 4000;
    let covered = 0;
    const xs = new Float64Array(5);
    for (let t = 0; t < trials; t++) {
      for (let i = 0; i < xs.length; i++) xs[i] = 10 + normalQuantile(rng.next());
      const ci = replicationCI(xs);
      if (Math.abs(ci.mean - 10) <= ci.halfWidth) covered++;
    }
    // Binomial 99.99 % interval around 0.95.
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(z(0.9999) * Math.sqrt((0.95 * 0.05) / trials));
  });
});

describe('BatchMeans', () => {
  it('keeps between k and 2k full batches at any run length', () => {
    const bm = new BatchMeans(10);
    let sum = 0;
    for (let n = 1; n <= 100_000; n++) {
      bm.add(n % 3);
      sum += n % 3;
      if (n >= 20 && n % 997 === 0) {
        const ci = bm.ci();
        expect(ci.n).toBeGreaterThanOrEqual(10);
        expect(ci.n).toBeLessThanOrEqual(20);
      }
    }
    expect(bm.count).toBe(100_000);
    expect(bm.ci().mean).toBeCloseTo(sum / 100_000, 12);
  });

  it('covers the mean of an autocorrelated AR(1) series about 95 % of the time', () => {
    // x_t = 0.9 x_{t-1} + e_t: successive values are strongly correlated, so an iid interval would be far
    // too narrow (it would cover about 35 % of the time); batch means must still reach about 95 %.
    const rng = new Rng(2, 'ar1');
    const trials = 400;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const bm = new BatchMeans(20);
      let x = normalQuantile(rng.next()) / Math.sqrt(1 - 0.81);
      for (let i = 0; i < 10_000; i++) {
        x = 0.9 * x + normalQuantile(rng.next());
        bm.add(x);
      }
      const ci = bm.ci();
      if (Math.abs(ci.mean) <= ci.halfWidth) covered++;
    }
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(z(0.9999) * Math.sqrt((0.95 * 0.05) / trials));
  });
});

describe('TimeWeighted', () => {
  it('averages a level over time, ignoring the warm-up', () => {
    const tw = new TimeWeighted(10);
    tw.set(0, 100); // warm-up only
    tw.set(10, 2); // level 2 on [10, 15)
    tw.add(15, 2); // level 4 on [15, 20)
    tw.add(20, -4); // level 0 on [20, 30)
    expect(tw.mean(30)).toBeCloseTo((2 * 5 + 4 * 5) / 20, 15);
    expect(tw.max).toBe(4);
  });

  it('counts a level set during the warm-up from the end of the warm-up on', () => {
    const tw = new TimeWeighted(5);
    tw.set(1, 3);
    expect(tw.mean(15)).toBe(3);
    expect(tw.max).toBe(3);
  });

  it('splits the window into batches for an interval', () => {
    const tw = new TimeWeighted(0, 10);
    // Level 1 on [0, 10), 3 on [10, 25), 5 on [25, 40): batch means 1, 3, 4, 5.
    tw.set(0, 1);
    tw.set(10, 3);
    tw.set(25, 5);
    const ci = tw.batchCI(40);
    expect(ci.n).toBe(4);
    expect(ci.mean).toBeCloseTo((10 + 45 + 75) / 40, 15);
    const means = [1, 3, 4, 5];
    const m = means.reduce((x, y) => x + y) / 4;
    const s = Math.sqrt(means.reduce((acc, v) => acc + (v - m) ** 2, 0) / 3);
    expect(ci.halfWidth).toBeCloseTo((studentTQuantile(0.975, 3) * s) / 2, 12);
  });
});

describe('LatencyHistogram', () => {
  const samples = (seed: number, n: number): Float64Array => {
    // Lognormal latencies from ~100 us to seconds, plus exact edge values.
    const rng = new Rng(seed, 'latency');
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = Math.exp(Math.log(0.005) + 1.5 * normalQuantile(rng.next()));
    xs[0] = 0;
    xs[1] = 1e-7;
    xs[2] = 12.5;
    return xs;
  };

  it('reports the same percentiles as recording every value in HDR directly', () => {
    const xs = samples(3, 100_000);
    const h = new LatencyHistogram();
    const direct = build({ useWebAssembly: false, bitBucketSize: 64, numberOfSignificantValueDigits: 2 });
    for (const x of xs) {
      h.record(x);
      direct.recordValue(Math.round(x * 1e9));
    }
    for (const p of [0, 1, 50, 90, 99, 99.9, 99.99]) {
      expect(h.percentileMs(p)).toBe(direct.getValueAtPercentile(p) / 1e6);
    }
    // At 100 % HDR gives the top of the maximum's bucket; the exact maximum caps it.
    const maxMs = xs.reduce((m, x) => Math.max(m, x), 0) * 1e3;
    expect(h.percentileMs(100)).toBe(Math.min(direct.getValueAtPercentile(100) / 1e6, maxMs));
    expect(h.count).toBe(xs.length);
  });

  it('matches hdr-histogram-js from 1 ns to hours, at every percentile, also after merging', () => {
    // Values spread over 13 decades (exact first buckets, 2^32 ns and beyond), many equal values, and
    // percentiles at bucket edges: the ported percentile rule must agree with the library's to the ns.
    const rng = new Rng(9, 'hdr-oracle');
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const direct = build({ useWebAssembly: false, bitBucketSize: 64, numberOfSignificantValueDigits: 2 });
    for (let i = 0; i < 50_000; i++) {
      const x = i % 10 === 0 ? 0.004 : 10 ** (-9 + 13 * rng.next());
      (i % 3 === 0 ? a : b).record(x);
      direct.recordValue(Math.round(x * 1e9));
    }
    a.add(b);
    expect(a.count).toBe(direct.totalCount);
    for (let p = 0; p <= 100; p += 0.5) expect(a.valueAtPercentileNs(p)).toBe(direct.getValueAtPercentile(p));
    for (const p of [99.9, 99.99, 99.999, 1e-9]) expect(a.valueAtPercentileNs(p)).toBe(direct.getValueAtPercentile(p));
    expect(new LatencyHistogram().valueAtPercentileNs(50)).toBe(0);
  });

  it('percentiles are within 1 % of the exact order statistics; count, mean and max are exact', () => {
    const xs = samples(4, 200_000);
    const h = new LatencyHistogram();
    let sum = 0;
    let max = 0;
    for (const x of xs) {
      h.record(x);
      sum += x;
      max = Math.max(max, x);
    }
    const sorted = Float64Array.from(xs).sort();
    for (const p of [50, 90, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]! * 1e3;
      expect(Math.abs(h.percentileMs(p) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    const summary = h.summaryMs();
    expect(summary.count).toBe(xs.length);
    expect(summary.mean).toBeCloseTo((sum / xs.length) * 1e3, 9);
    expect(summary.max).toBe(max * 1e3);
    expect(h.min).toBe(0);
  });

  it('merges histograms (e.g. per endpoint into the total)', () => {
    const xs = samples(5, 20_000);
    const all = new LatencyHistogram();
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    xs.forEach((x, i) => {
      all.record(x);
      (i % 2 === 0 ? a : b).record(x);
    });
    a.percentileMs(50); // reading one part first must not lose or double its values
    a.add(b);
    expect(a.count).toBe(all.count);
    for (const p of [50, 99, 99.9]) expect(a.percentileMs(p)).toBe(all.percentileMs(p));
    expect(a.summaryMs().max).toBe(all.summaryMs().max);
  });

  it('rejects negative and non-finite latencies', () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1e-3)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(() => h.record(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
