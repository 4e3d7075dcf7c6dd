// Body parsers: JSON (fastify's own, secure against prototype poisoning) and YAML, because people paste
// manifests. A YAML body is one document; a multi-document stream of Kubernetes objects belongs in the
// `cluster` field (as a string), where the snapshot schema splits it.
import type { FastifyInstance } from 'fastify';
import { describeYamlProblem, parseYamlStream } from '../scenario/yaml.js';
import { PROBLEM_TYPES, ProblemError } from './problem.js';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

export function registerYamlParser(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const parsed = parseYamlStream(body as string);
    if ('problem' in parsed) {
      return done(malformed(`The body is not valid YAML (${describeYamlProblem(parsed.problem)}).`), undefined);
    }
    if (parsed.docs.length !== 1) {
      return done(
        malformed(
          `The body must be one YAML document, found ${parsed.docs.length}. Put a multi-document stream of Kubernetes objects in \`cluster\` as a string.`,
        ),
        undefined,
      );
    }
    done(null, parsed.docs[0]);
  });
}

function malformed(detail: string): ProblemError {
  return new ProblemError({ type: PROBLEM_TYPES.malformed, title: 'Malformed YAML', status: 400, detail });
}
