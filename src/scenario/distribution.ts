// Distribution specs as they appear in request bodies. Every value is a duration (seconds or a Go
// duration string) except shape parameters. The engine's `Distribution` class samples them; this file
// only validates and converts to seconds.
import { z } from 'zod';
import { Duration, PositiveDuration } from './duration.js';

const Constant = z
  .strictObject({ dist: z.literal('constant'), value: Duration.describe('The fixed value.') })
  .describe('Always the same value.');

const Exponential = z
  .strictObject({ dist: z.literal('exponential'), mean: PositiveDuration.describe('Mean (= standard deviation).') })
  .describe('Exponential (memoryless): CV 1.');

const LognormalByQuantiles = z
  .strictObject({
    dist: z.literal('lognormal'),
    median: PositiveDuration.describe('Median (p50).'),
    p99: PositiveDuration.describe('99th percentile; must be larger than the median.'),
  })
  .refine((d) => d.p99 > d.median, { message: 'p99 must be larger than median', path: ['p99'] })
  .describe('Lognormal given by its median and 99th percentile (sigma = ln(p99/median) / 2.3263).');

const LognormalByParameters = z
  .strictObject({
    dist: z.literal('lognormal'),
    mu: z.number().finite().describe('Mean of ln(X), X in seconds.'),
    sigma: z.number().positive().finite().describe('Standard deviation of ln(X).'),
  })
  .describe('Lognormal given by mu and sigma of ln(X) with X in seconds.');

const ParetoByScale = z
  .strictObject({
    dist: z.literal('pareto'),
    alpha: z.number().positive().finite().describe('Shape (tail index); the mean is finite only for alpha > 1.'),
    xm: PositiveDuration.describe('Scale: the minimum value.'),
  })
  .describe('Pareto (type I) given by shape and minimum.');

const ParetoByMean = z
  .strictObject({
    dist: z.literal('pareto'),
    alpha: z.number().gt(1).finite().describe('Shape (tail index), > 1 so that the mean exists.'),
    mean: PositiveDuration.describe('Mean; the minimum is mean·(alpha−1)/alpha.'),
  })
  .describe('Pareto (type I) given by shape and mean.');

const Uniform = z
  .strictObject({
    dist: z.literal('uniform'),
    min: Duration.describe('Lower bound.'),
    max: Duration.describe('Upper bound (≥ min).'),
  })
  .refine((d) => d.max >= d.min, { message: 'max must be at least min', path: ['max'] })
  .describe('Uniform between min and max.');

const EmpiricalValues = z
  .strictObject({
    dist: z.literal('empirical'),
    values: z.array(Duration).min(1).max(100_000).describe('Observed values, each drawn with equal probability.'),
  })
  .describe('Resamples a list of observed values.');

const EmpiricalBuckets = z
  .strictObject({
    dist: z.literal('empirical'),
    buckets: z
      .array(
        z.strictObject({
          le: Duration.describe('Upper bound of the bucket (Prometheus `le`).'),
          weight: z.number().nonnegative().finite().describe('Relative weight (count) of the bucket.'),
        }),
      )
      .min(1)
      .max(10_000)
      .describe('Histogram buckets in increasing `le`; values are uniform inside a bucket (the first starts at 0).'),
  })
  .refine((d) => d.buckets.some((b) => b.weight > 0), { message: 'at least one bucket needs a positive weight' })
  .refine((d) => d.buckets.every((b, i) => i === 0 || b.le > (d.buckets[i - 1]?.le ?? 0)), {
    message: 'bucket bounds `le` must increase',
  })
  .describe('Histogram (e.g. from Prometheus): uniform within each bucket.');

/** A distribution of durations; a bare duration means constant. Output: the spec with every duration in seconds. */
export const DistributionSpec = z
  .union([
    Duration.transform((value) => ({ dist: 'constant' as const, value })),
    Constant,
    Exponential,
    LognormalByQuantiles,
    LognormalByParameters,
    ParetoByScale,
    ParetoByMean,
    Uniform,
    EmpiricalValues,
    EmpiricalBuckets,
  ])
  .meta({
    description:
      'A distribution of durations: { dist: constant|exponential|lognormal|pareto|uniform|empirical, ... }, or a bare duration meaning constant.',
    examples: [{ dist: 'lognormal', median: '5ms', p99: '40ms' }, '10ms', { dist: 'exponential', mean: '20ms' }],
  });

export type DistributionSpec = z.output<typeof DistributionSpec>;
