// Simulations run off the event loop, on a piscina worker pool sized to the machine, so /healthz keeps
// answering while a what-if runs. Under tsx (dev, tests) the worker is the .ts source loaded with tsx's
// loader; a build would point at the compiled .js (stack-notes §4).
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Piscina } from 'piscina';
import type { TaskResult, WorkerTask } from './worker.js';

export interface SimulationPool {
  run(task: WorkerTask, signal?: AbortSignal): Promise<TaskResult>;
  readonly size: number;
  close(): Promise<void>;
}

export function createPool(size: number, onError: (err: unknown) => void): SimulationPool {
  const threads = size > 0 ? size : Math.max(1, availableParallelism());
  const ext = extname(new URL(import.meta.url).pathname);
  const pool = new Piscina({
    filename: new URL(`./worker${ext}`, import.meta.url).href,
    minThreads: Math.min(threads, 2),
    maxThreads: threads,
    // Piscina's default queue is unbounded; a bounded one turns a flood into 503s instead of memory growth.
    maxQueue: threads * 64,
    idleTimeout: 60_000,
    ...(ext === '.ts' ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  pool.on('error', onError);
  return {
    size: threads,
    run: (task, signal) => pool.run(task, signal === undefined ? {} : { signal }) as Promise<TaskResult>,
    close: () => pool.destroy(),
  };
}
