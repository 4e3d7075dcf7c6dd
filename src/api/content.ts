// Body parsers: JSON (fastify's own, secure against prototype poisoning) and YAML, because people paste
// manifests. A YAML body is one document; a multi-document stream of Kubernetes objects belongs in the
// `cluster` field (as a string), where the snapshot schema splits it.
import type { FastifyInstance } from 'fastify';
import { parseAllDocuments } from 'yaml';
import { PROBLEM_TYPES, ProblemError } from './problem.js';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Parses YAML text into plain data, or throws a 400 problem naming the line and column. */
export function parseYamlDocuments(text: string, what: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const where = err.linePos?.[0];
      throw new ProblemError({
        type: PROBLEM_TYPES.malformed,
        title: 'Malformed YAML',
        status: 400,
        detail: `${what} is not valid YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}: ${err.message.split('\n')[0]}`,
      });
    }
    if (doc.contents !== null) out.push(doc.toJS({ maxAliasCount: 100 }));
  }
  return out;
}

export function registerYamlParser(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    try {
      const docs = parseYamlDocuments(body as string, 'The body');
      if (docs.length !== 1) {
        throw new ProblemError({
          type: PROBLEM_TYPES.malformed,
          title: 'Malformed YAML',
          status: 400,
          detail: `The body must be one YAML document, found ${docs.length}. Put a multi-document stream of Kubernetes objects in \`cluster\` as a string.`,
        });
      }
      done(null, docs[0]);
    } catch (e) {
      if (e instanceof ProblemError) return done(e, undefined);
      // The YAML library throws RangeError on pathological nesting; that is still the client's input.
      done(
        new ProblemError({
          type: PROBLEM_TYPES.malformed,
          title: 'Malformed YAML',
          status: 400,
          detail: `The body could not be read as YAML: ${(e as Error).message}`,
        }),
        undefined,
      );
    }
  });
}
