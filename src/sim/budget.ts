// The event budget is estimated before a run starts (spec/api.md "Limits"): a request whose estimate is
// over budget gets 422 with the estimate instead of a half-finished answer. The estimate counts the
// events the simulator schedules per connection, request, stream and message (see run.ts) at the
// profile's mean rates, over every replication.
import type { PreparedWorkload } from './model.js';
import { CLASS_HTTP2, CLASS_SHORT } from './run.js';

/** Events one request costs: arrival at the endpoint and service completion. */
const PER_REQUEST = 2;

export function estimateEvents(workloads: readonly PreparedWorkload[], duration: number, replications: number): number {
  let perRun = 0;
  for (const w of workloads) {
    if (w.cls === CLASS_SHORT) {
      // One arrival per connection, then each request.
      perRun += duration * w.rate * (1 + w.perConnection * PER_REQUEST);
    } else if (w.cls === CLASS_HTTP2) {
      const lifetime = w.aux === null ? duration : Math.max(w.aux.mean, 1e-3);
      const opens = w.perConnectionCount * (1 + duration / lifetime);
      // Open, established and expiry per connection; a stream arrival plus its request events.
      perRun += opens * 3 + duration * w.rate * (1 + PER_REQUEST);
    } else {
      // Sessions overlap: in steady state rate × mean duration are open, each sending messageRate/s.
      const meanDuration = Number.isFinite(w.aux?.mean) ? (w.aux?.mean as number) : duration;
      const sessions = duration * w.rate;
      const openSeconds = sessions * Math.min(meanDuration, duration);
      perRun += sessions * 3 + openSeconds * w.messageRate * (1 + PER_REQUEST);
    }
  }
  return Math.ceil(perRun * replications);
}
