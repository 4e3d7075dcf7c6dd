// The guide's thresholds (spec/guide.md): this project's reading of the document's words ("short and
// uniform", "hundreds to thousands"). Every one has a default a request may override
// (`guide: { thresholds: {...} }` in the scenario); the answer echoes the values it used.
import { z } from 'zod';
import { PositiveDuration } from '../scenario/duration.js';
import type { ProfileOptions } from '../traffic/profile.js';

const Share = z.number().min(0).max(1);

export const GuideThresholds = z
  .strictObject({
    shortConnectionShare: Share.default(0.8).describe(
      'G1: share of connections that must be short (few requests, closed quickly) for rr. Default 0.8.',
    ),
    shortConnectionRequests: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe('G1: a short connection carries at most this many requests. Default 10.'),
    shortConnectionSeconds: PositiveDuration.default(1).describe(
      'G1: a short connection closes within this time. Default 1 s.',
    ),
    serviceTimeCV: z
      .number()
      .nonnegative()
      .finite()
      .default(1)
      .describe('G1: "uniform" requests have a service-time CV at most this. Default 1 (an exponential service time).'),
    longConnectionSeconds: PositiveDuration.default(30).describe(
      'G2 and C4: a long connection lives longer than this. Default 30 s.',
    ),
    longConnectionSecondsShare: Share.default(0.2).describe(
      'G2 and C4: share of connection-seconds in long connections from which lc (or wlc) is recommended. Default 0.2.',
    ),
    connectionDurationCV: z
      .number()
      .nonnegative()
      .finite()
      .default(2)
      .describe('G2: connection-duration CV above which lengths "vary widely". Default 2.'),
    http2RequestShare: Share.default(0.3).describe(
      'G7: HTTP/2 streams’ share of requests that counts as "many". Default 0.3.',
    ),
    servicePorts: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe(
        'G4, G5 and C3: Service ports in the snapshot from which IPVS (or nftables) is recommended; the published measurements show no difference below 1 000 Services. Default 1000.',
      ),
    endpoints: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe(
        'G4, G5 and C3: endpoints in the snapshot from which IPVS (or nftables) is recommended. Default 10000.',
      ),
    conntrackFill: Share.default(0.8).describe(
      'C7: conntrack entries over nf_conntrack_max on a deciding node from which the table counts as close to full. Default 0.8.',
    ),
    ipvsIdleExpiriesPerSession: z
      .number()
      .nonnegative()
      .finite()
      .default(0.001)
      .describe(
        'Expected IPVS idle expiries per WebSocket session (gaps longer than proxy.ipvs.tcpTimeout) from which the answer warns. Default 0.001.',
      ),
  })
  .meta({
    description: 'Thresholds of the guide’s rules and checks (spec/guide.md); each optional, with its default.',
    examples: [{ longConnectionSeconds: '60s', servicePorts: 500 }],
  });

export type GuideThresholds = z.output<typeof GuideThresholds>;
export type GuideThresholdsInput = z.input<typeof GuideThresholds>;

export const DEFAULT_GUIDE_THRESHOLDS: Readonly<GuideThresholds> = GuideThresholds.parse({});

/** The traffic-profile questions the thresholds ask (what "short" and "long" mean). */
export function profileOptions(t: GuideThresholds): ProfileOptions {
  return {
    shortRequests: t.shortConnectionRequests,
    shortSeconds: t.shortConnectionSeconds,
    longSeconds: t.longConnectionSeconds,
  };
}

type ThresholdKey = keyof typeof GuideThresholds.shape;

/**
 * The thresholds an answer used, for response bodies: plain numbers (durations in seconds), each described
 * as in GuideThresholds. (GuideThresholds itself accepts duration strings, which a response schema cannot
 * express.)
 */
export const GuideThresholdsUsed = z
  .strictObject(
    Object.fromEntries(
      Object.entries(GuideThresholds.shape).map(([key, field]) => [
        key,
        z
          .number()
          .describe(key.endsWith('Seconds') ? `${field.description ?? key} In seconds.` : (field.description ?? key)),
      ]),
    ) as { [K in ThresholdKey]: z.ZodNumber },
  )
  .describe('The threshold values the answer used.');
