// Latency of completed requests: one HDR histogram per workload class and one per endpoint. The overall
// figure is the merge of the class histograms, so each request is recorded twice, not three times.
import { LatencyHistogram } from '../engine/stats.js';

export class LatencyRecorder {
  readonly byClass: LatencyHistogram[];
  readonly byEndpoint: LatencyHistogram[];

  constructor(endpoints: number) {
    this.byClass = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    this.byEndpoint = Array.from({ length: endpoints }, () => new LatencyHistogram());
  }

  record(cls: number, endpoint: number, seconds: number): void {
    const bucket = LatencyHistogram.bucketOf(seconds);
    this.byClass[cls]!.recordInBucket(bucket, seconds);
    this.byEndpoint[endpoint]!.recordInBucket(bucket, seconds);
  }

  overall(): LatencyHistogram {
    const all = new LatencyHistogram();
    for (const h of this.byClass) if (h.count > 0) all.add(h);
    return all;
  }

  /** Adds another run's histograms (replications of the same model). */
  add(other: LatencyRecorder): void {
    other.byClass.forEach((h, i) => {
      if (h.count > 0) this.byClass[i]!.add(h);
    });
    other.byEndpoint.forEach((h, i) => {
      if (h.count > 0) this.byEndpoint[i]!.add(h);
    });
  }
}
