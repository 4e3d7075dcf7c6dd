// G1 (§5): short, uniform requests ⇒ rr.
import { dur, num, pct, verdict } from './format.js';
import type { Rule } from './types.js';

export const G1: Rule = {
  id: 'G1',
  title: 'Short, uniform requests: rr',
  source: [
    { section: '§5 선택 가이드', ko: '짧고 균일한 요청 ➜ RR', en: 'Short, uniform requests ⇒ RR' },
    {
      section: '§5 RR',
      ko: '장점: 단순, 공평. 단기 연결/유사 부하에 적합.',
      en: 'Pros: simple and fair; suited to short connections and similar load.',
    },
  ],
  evaluate(ctx) {
    const t = ctx.thresholds;
    const share = ctx.profile.shortConnectionShare;
    const cv = ctx.profile.serviceTimeCV;
    const shortEnough = share >= t.shortConnectionShare;
    const uniform = cv <= t.serviceTimeCV;
    const fired = shortEnough && uniform;
    const shortText = `${pct(share)} of connections carry ≤ ${num(t.shortConnectionRequests)} requests and close within ${dur(
      t.shortConnectionSeconds,
    )} (threshold ≥ ${pct(t.shortConnectionShare)})`;
    const cvText = `the service-time CV is ${num(cv)} (threshold ≤ ${num(t.serviceTimeCV)})`;
    let text: string;
    if (fired) text = `${shortText}, and ${cvText}`;
    else if (!shortEnough && !uniform) text = `only ${shortText}, and ${cvText}`;
    else if (!shortEnough) text = `only ${shortText} (${cvText})`;
    else text = `${cvText}: requests are not uniform, although ${shortText}`;
    return {
      fired,
      because: verdict('G1', fired, text),
      ...(fired ? { recommends: { scheduler: 'rr' as const } } : {}),
      measured: {
        shortConnectionShare: share,
        serviceTimeCV: Number.isFinite(cv) ? cv : null,
      },
    };
  },
};
