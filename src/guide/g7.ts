// G7 (§12): many HTTP/2 streams ⇒ lc / wlc "may be more stable".
import { pct, verdict } from './format.js';
import type { Rule } from './types.js';

export const G7: Rule = {
  id: 'G7',
  title: 'Many HTTP/2 streams: lc or wlc may be more stable',
  source: [
    {
      section: '§12',
      ko: 'HTTP/2/스트림 다수: LC/wlc가 더 안정적일 수 있음.',
      en: 'Many HTTP/2 streams: LC/wlc may be more stable.',
    },
  ],
  evaluate(ctx) {
    const t = ctx.thresholds;
    const share = ctx.profile.http2RequestShare;
    const fired = share >= t.http2RequestShare;
    const weighted = ctx.profile.target.weightsDiffer;
    const text = `HTTP/2 streams are ${pct(share)} of requests (threshold ≥ ${pct(t.http2RequestShare)})${
      fired && weighted ? '; endpoint weights differ (backends.overrides), so wlc' : ''
    }`;
    return {
      fired,
      because: verdict('G7', fired, text),
      ...(fired
        ? { recommends: { mode: 'ipvs' as const, scheduler: weighted ? ('wlc' as const) : ('lc' as const) } }
        : {}),
      measured: { http2RequestShare: share, weightsDiffer: weighted },
    };
  },
};
