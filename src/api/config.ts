// Server settings, from environment variables (listed in the README). One place reads the environment;
// everything else receives an `AppOptions` value, so tests build apps with their own settings.

export interface AppOptions {
  /** Largest accepted body in bytes (BODY_LIMIT). Default 256 MiB: a 10 000-Service, 100 000-endpoint kubectl List is ~60 MiB. */
  bodyLimit: number;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated; "*" for any). Default: none (same-origin only). */
  corsOrigins: string[];
  /** Event budget of a run when the request sets none (DEFAULT_MAX_EVENTS). */
  defaultMaxEvents: number;
  /** Ceiling a request may raise its budget to (MAX_EVENTS). */
  maxEvents: number;
  /** Worker threads for simulations (WORKERS); default: available parallelism. */
  workers: number;
  /** Event-loop delay (ms) beyond which requests are shed with 503 (MAX_EVENT_LOOP_DELAY_MS). */
  maxEventLoopDelayMs: number;
  /** pino log level (LOG_LEVEL), or false to disable logging. */
  logLevel: string | false;
}

export const DEFAULT_OPTIONS: AppOptions = {
  bodyLimit: 256 * 1024 * 1024,
  corsOrigins: [],
  defaultMaxEvents: 50_000_000,
  maxEvents: 500_000_000,
  workers: 0,
  maxEventLoopDelayMs: 1000,
  logLevel: 'info',
};

const SIZE = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const MULT: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

export function parseSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (m === null) throw new Error(`BODY_LIMIT "${text}" is not a size (bytes, or e.g. "64mb", "256MiB")`);
  return Number(m[1]) * (MULT[(m[2] ?? 'b').toLowerCase()] as number);
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} "${text}" must be a non-negative integer`);
  return n;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): AppOptions {
  const o: AppOptions = { ...DEFAULT_OPTIONS };
  if (env.BODY_LIMIT) o.bodyLimit = parseSize(env.BODY_LIMIT);
  if (env.CORS_ORIGINS)
    o.corsOrigins = env.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (env.DEFAULT_MAX_EVENTS) o.defaultMaxEvents = positiveInt('DEFAULT_MAX_EVENTS', env.DEFAULT_MAX_EVENTS);
  if (env.MAX_EVENTS) o.maxEvents = positiveInt('MAX_EVENTS', env.MAX_EVENTS);
  if (env.WORKERS) o.workers = positiveInt('WORKERS', env.WORKERS);
  if (env.MAX_EVENT_LOOP_DELAY_MS)
    o.maxEventLoopDelayMs = positiveInt('MAX_EVENT_LOOP_DELAY_MS', env.MAX_EVENT_LOOP_DELAY_MS);
  if (env.LOG_LEVEL) o.logLevel = env.LOG_LEVEL === 'silent' ? false : env.LOG_LEVEL;
  if (o.defaultMaxEvents > o.maxEvents) o.defaultMaxEvents = o.maxEvents;
  return o;
}
