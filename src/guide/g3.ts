// G3 (§5, §12): sticky sessions per client IP ⇒ IPVS sh, or sessionAffinity: ClientIP.
import { serviceKey } from '../scenario/cluster.js';
import { verdict } from './format.js';
import type { Rule } from './types.js';

export const G3: Rule = {
  id: 'G3',
  title: 'Sessions must stick to a client IP: IPVS sh, or sessionAffinity: ClientIP',
  source: [
    {
      section: '§5 선택 가이드',
      ko: '클라이언트 IP 별 세션 스티키 필요 ➜ sh 또는 sessionAffinity: ClientIP',
      en: 'Sessions must stick per client IP ⇒ sh or sessionAffinity: ClientIP',
    },
    {
      section: '§12',
      ko: '세션 고정 필요: sessionAffinity: ClientIP 또는 IPVS sh/persistence.',
      en: 'Session pinning needed: sessionAffinity: ClientIP or IPVS sh/persistence.',
    },
  ],
  evaluate(ctx) {
    const required = ctx.scenario.requirements.stickySessions;
    const affinity = ctx.service.sessionAffinity === 'ClientIP';
    const fired = required || affinity;
    const key = serviceKey(ctx.service);
    let text: string;
    if (required && affinity)
      text = `requirements.stickySessions is true, and ${key} already has sessionAffinity: ClientIP`;
    else if (required) text = 'requirements.stickySessions is true';
    else if (affinity)
      text = `${key} already has sessionAffinity: ClientIP (timeout ${ctx.service.sessionAffinityTimeoutSeconds} s)`;
    else text = `requirements.stickySessions is false and ${key} has sessionAffinity: None`;
    return {
      fired,
      because: verdict('G3', fired, text),
      ...(fired ? { recommends: { scheduler: 'sh' as const, sessionAffinity: 'ClientIP' as const } } : {}),
      measured: { stickySessions: required, sessionAffinityClientIP: affinity },
    };
  },
};
