// G2 (§5): connection lengths or load vary widely, WebSocket and HTTP/2 mixed in ⇒ lc (or wlc).
import { dur, finite, num, pct, verdict } from './format.js';
import type { Rule } from './types.js';

export const G2: Rule = {
  id: 'G2',
  title: 'Connection lengths or load vary widely (WebSocket, HTTP/2 mixed in): lc, or wlc with weights',
  source: [
    {
      section: '§5 선택 가이드',
      ko: '연결 길이/부하 편차 큼, WebSocket/HTTP2 혼재 ➜ LC(또는 wlc)',
      en: 'Large variation in connection length or load, WebSocket/HTTP2 mixed in ⇒ LC (or wlc)',
    },
    {
      section: '§5 LC',
      ko: '장점: 연결 시간이 들쑥날쑥하거나 일부 요청이 무거울 때 유리.',
      en: 'Pros: an advantage when connection times are uneven or some requests are heavy.',
    },
    {
      section: '§5 RR',
      ko: '주의: HTTP/2, keep-alive, 길게 유지되는 스트림에서는 실제 부하가 균등해지지 않을 수 있음.',
      en: 'Caution: with HTTP/2, keep-alive and long-held streams the actual load may not even out.',
    },
  ],
  evaluate(ctx) {
    const t = ctx.thresholds;
    const p = ctx.profile;
    const share = p.longConnectionSecondsShare;
    const cv = p.connectionDurationCV;
    const longOnes = share >= t.longConnectionSecondsShare;
    const varied = cv > t.connectionDurationCV;
    const fired = longOnes || varied;
    const weighted = p.target.weightsDiffer;
    const shareText = `${pct(share)} of connection-seconds are in connections living longer than ${dur(
      t.longConnectionSeconds,
    )} (threshold ${pct(t.longConnectionSecondsShare)})`;
    const cvText = `the connection-duration CV is ${num(cv)} (threshold > ${num(t.connectionDurationCV)})`;
    const classes = [...new Set(p.workloads.map((w) => w.class))].filter((c) => c !== 'short');
    const mix =
      classes.length > 0
        ? `; the mix includes ${classes.map((c) => (c === 'http2' ? 'HTTP/2' : 'WebSocket')).join(' and ')}`
        : '';
    const weights = fired && weighted ? '; endpoint weights differ (backends.overrides), so wlc' : '';
    let text: string;
    if (longOnes && varied) text = `${shareText}, and ${cvText}`;
    else if (longOnes) text = `${shareText} (${cvText})`;
    else if (varied) text = `${cvText} (${shareText})`;
    else text = `only ${shareText}, and ${cvText}`;
    text += mix + weights;
    return {
      fired,
      because: verdict('G2', fired, text),
      ...(fired
        ? { recommends: { mode: 'ipvs' as const, scheduler: weighted ? ('wlc' as const) : ('lc' as const) } }
        : {}),
      measured: {
        longConnectionSecondsShare: share,
        connectionDurationCV: finite(cv),
        meanConnectionDuration: finite(p.meanConnectionDuration),
        weightsDiffer: weighted,
      },
    };
  },
};
