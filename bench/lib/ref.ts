// Builds and runs ../shared/bench/ref-mmc.cpp (the C++ reference) so a benchmark can report its own
// events/s beside the reference's, measured in the same minute on the same machine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RefRun {
  engine: string;
  events: number;
  seconds: number;
  eventsPerSec: number;
  meanWait: number;
  erlangCWait: number;
}

const SOURCE = fileURLToPath(new URL('../../../shared/bench/ref-mmc.cpp', import.meta.url));
let binary: string | null = null;

/** Compiles the reference once per process with g++ -O2; null when the source or g++ is missing. */
export function refBinary(): string | null {
  if (binary !== null) return binary;
  if (!existsSync(SOURCE)) return null;
  const out = join(mkdtempSync(join(tmpdir(), 'ref-mmc-')), 'ref-mmc');
  try {
    execFileSync('g++', ['-O2', '-o', out, SOURCE], { stdio: 'pipe' });
  } catch {
    return null;
  }
  binary = out;
  return out;
}

export function runRef(args: string[]): RefRun | null {
  const bin = refBinary();
  if (bin === null) return null;
  return JSON.parse(execFileSync(bin, args, { encoding: 'utf8' }).trim()) as RefRun;
}
