// The README's curl examples run as written against a real server (only the host:port is the test's own).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/api/app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => (m[1] as string).split('\n'))
  .filter((line) => line.startsWith('curl '));

let app: App;
let base: string;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 2 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(() => app.close());

describe('README examples', () => {
  it('show the two commands and the test command', () => {
    expect(readme).toContain('npm ci\nnpm start');
    expect(readme).toContain('npm test');
    expect(commands.length).toBeGreaterThanOrEqual(6);
  });

  // Asynchronously: the server answering curl runs in this process's event loop.
  it.each(commands)('%s', async (command) => {
    const { stdout: out } = await promisify(execFile)(
      'bash',
      ['-c', command.replaceAll('http://localhost:8080', base)],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
    );
    const body = JSON.parse(out);
    if (command.includes('"rate":-1')) {
      expect(body).toMatchObject({
        status: 400,
        errors: expect.arrayContaining([expect.objectContaining({ path: 'traffic.workloads[0].rate' })]),
      });
    } else {
      expect(body.status === undefined || body.status === 'ok').toBe(true);
      expect(body.type).toBeUndefined();
    }
  });
});
