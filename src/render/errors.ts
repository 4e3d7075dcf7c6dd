// Inputs that are well-formed but do not fit the snapshot (a node or Service that does not exist, a
// real-server order that is not a permutation of the real servers). They reuse the scenario's 422 error so
// the API reports them with a JSON path like any other inconsistency.

import { listNames, ScenarioError } from '../scenario/errors.js';

/** The node to render for is not in the snapshot; `nodes` lists the ones that are. */
export class UnknownNodeError extends ScenarioError {
  readonly path = 'node';
  readonly nodes: string[];
  constructor(node: string, nodes: string[]) {
    super([{ path: 'node', message: `unknown node "${node}"; the snapshot has ${listNames(nodes)}` }]);
    this.name = 'UnknownNodeError';
    this.nodes = nodes;
  }
}

/** Any other render input that contradicts the snapshot, pointing at the offending option. */
export class RenderInputError extends ScenarioError {
  readonly path: string;
  constructor(path: string, message: string) {
    super([{ path, message }]);
    this.name = 'RenderInputError';
    this.path = path;
  }
}
