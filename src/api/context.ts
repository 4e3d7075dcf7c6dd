import type { SimulationPool } from '../whatif/pool.js';
import type { AppOptions } from './config.js';

/** What route plugins share: the settings and the worker pool (no globals). */
export interface RouteContext {
  options: AppOptions;
  pool: SimulationPool;
}
