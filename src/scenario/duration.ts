// Durations in request bodies: a number of seconds, or a Go duration string as kubectl and kube-proxy's
// own flags print them ("250ms", "1m30s", "1.5h"). Go's grammar (time.ParseDuration): one or more
// decimal numbers, each with an optional fraction and a unit among ns, us (µs, μs), ms, s, m, h.
import { z } from 'zod';

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go duration string into seconds; returns null when it is not one. Negative durations are refused. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  let pos = 0;
  let total = 0;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (m === null) return null;
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
    pos = PART.lastIndex;
  }
  return pos === 0 ? null : total;
}

/** A non-negative duration: seconds as a number, or a Go duration string. Output: seconds. */
export const Duration = z
  .union([
    z.number().nonnegative().finite(),
    z.string().transform((s, ctx) => {
      const v = parseGoDuration(s.trim());
      if (v === null) {
        ctx.addIssue({
          code: 'custom',
          message: `"${s}" is not a duration: use seconds (a number) or a Go duration such as "250ms", "90s", "1m30s"`,
        });
        return z.NEVER;
      }
      return v;
    }),
  ])
  .meta({
    description: 'A duration: a number of seconds, or a Go duration string ("250ms", "90s", "1m30s", "2h").',
    examples: ['250ms', 1.5],
  });

/** A strictly positive duration. */
export const PositiveDuration = Duration.refine((v) => v > 0, { message: 'must be greater than zero' });
