/** Version of the API contract and of the simulation engine, reported in every result's `meta`. */
export const API_VERSION = '0.1.0';
export const ENGINE_VERSION = '0.1.0';
