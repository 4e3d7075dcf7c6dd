// A scenario that is well-formed but does not fit its own snapshot (a node name that does not exist, a
// workload naming an unknown client group): the API answers 422 with the same `errors: [{path, message}]`
// shape as a validation failure, so a client can point at the field.

export interface ScenarioIssue {
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];
  /** 400 for malformed input, 422 for input that is well-formed but inconsistent with the snapshot. */
  readonly status: 400 | 422;
  constructor(issues: ScenarioIssue[], status: 400 | 422 = 422) {
    const first = issues[0];
    super(first === undefined ? 'invalid scenario' : `${first.path}: ${first.message}`);
    this.name = 'ScenarioError';
    this.issues = issues;
    this.status = status;
  }
}

/** Lists up to `max` names, for error messages that say what exists. */
export function listNames(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}
