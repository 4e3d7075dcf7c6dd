// YAML as people paste it: kubectl's `-o yaml` output, manifests, multi-document streams.
import { parseAllDocuments } from 'yaml';

export interface YamlProblem {
  message: string;
  line?: number;
  column?: number;
}

/**
 * Parses every document of a YAML stream into plain data; returns the first syntax problem instead when
 * there is one. Aliases are capped (maxAliasCount) so a "billion laughs" document cannot blow up memory.
 */
export function parseYamlStream(text: string): { docs: unknown[] } | { problem: YamlProblem } {
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: true });
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const docs: unknown[] = [];
    for (const doc of list) {
      const err = doc.errors[0];
      if (err !== undefined) {
        const where = err.linePos?.[0];
        return {
          problem: {
            message: err.message.split('\n')[0] ?? err.message,
            ...(where === undefined ? {} : { line: where.line, column: where.col }),
          },
        };
      }
      if (doc.contents !== null) docs.push(doc.toJS({ maxAliasCount: 100 }));
    }
    return { docs };
  } catch (e) {
    // The parser throws on pathological input (alias bombs, extreme nesting): still the client's input.
    return { problem: { message: (e as Error).message } };
  }
}

export function describeYamlProblem(p: YamlProblem): string {
  return p.line === undefined ? p.message : `line ${p.line}, column ${p.column}: ${p.message}`;
}
