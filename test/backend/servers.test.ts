import { describe, expect, it } from 'vitest';
import { EndpointServers } from '../../src/backend/servers.js';
import { Rng } from '../../src/engine/rng.js';

describe('EndpointServers', () => {
  it('serves in FIFO order through queue growths that happen while the queue has wrapped', () => {
    // One worker, arrivals and completions interleaved so the head is mid-ring whenever the queue grows.
    const servers = new EndpointServers([{ concurrency: 1, speed: 1, queueLimit: -1 }], 0);
    const rng = new Rng(3, 'servers');
    const waiting: number[] = [];
    let inService = -1;
    let t = 0;
    for (let request = 0; request < 5000; request++) {
      t += 1;
      const started = servers.arrive(0, t, request);
      if (inService < 0) {
        expect(started).toBe(1);
        inService = request;
      } else {
        expect(started).toBe(0);
        waiting.push(request);
      }
      if (inService >= 0 && rng.next() < 0.45) {
        const next = servers.complete(0, t);
        expect(next).toBe(waiting.length > 0 ? waiting.shift()! : -1);
        inService = next;
      }
      expect(servers.queued(0)).toBe(waiting.length);
    }
    expect(waiting.length).toBeGreaterThan(100); // it grew well past its first 16 places
  });

  it('answers 503 (-1) once queueLimit requests wait, and counts busy workers over time', () => {
    const servers = new EndpointServers([{ concurrency: 2, speed: 1, queueLimit: 1 }], 0);
    expect([0, 1, 2, 3].map((r) => servers.arrive(0, 1, r))).toEqual([1, 1, 0, -1]);
    expect(servers.complete(0, 3)).toBe(2); // the waiting request takes the freed worker
    expect(servers.complete(0, 5)).toBe(-1);
    servers.busy.finish(5);
    // 2 workers busy on [1, 5] minus the one that went idle at 5: area 2 × 4.
    expect(servers.busy.area[0]).toBe(8);
    expect(servers.busy.peak[0]).toBe(2);
  });
});
