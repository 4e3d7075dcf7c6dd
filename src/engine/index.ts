// Discrete-event engine: event queue and clock, seeded random streams, distributions, statistics.
// Knows nothing of Kubernetes; the simulator builds its model on these.

export { Dist, type DistKind, type DistSpec, normalQuantile } from './dist.js';
export { EventQueue } from './queue.js';
export { Rng, replicationSeed, Streams } from './rng.js';
export {
  BatchMeans,
  type ConfidenceInterval,
  LatencyHistogram,
  type LatencySummaryMs,
  replicationCI,
  studentTCdf,
  studentTQuantile,
  TimeWeighted,
} from './stats.js';
