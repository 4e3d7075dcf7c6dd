// The data-plane models draw every random number from a stream the caller owns, so a run's choices are
// reproducible and candidates of a what-if can share draws (common random numbers). Any generator with
// this one method fits; the engine's seeded streams (src/engine/rng.ts) implement it.

/** A source of independent, uniformly distributed 32-bit unsigned integers. */
export interface RandomU32 {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
}
