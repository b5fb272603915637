import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openParityLogWriter } from '../src/writer.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('parity-crash-'));
});
afterEach(() => cleanup());

const pkgDir = join(import.meta.dirname, '..');

/** Runs the writer in a child, SIGKILLs it after `killAfterAcks` acknowledged records; returns the last ack. */
function runAndKill(
  path: string,
  resumeFrom: number,
  killAfterAcks: number,
): Promise<{ lastAck: number; repaired: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@aegis/source',
        '--import',
        'tsx',
        'test/fixtures/crash-writer.ts',
        path,
        'always',
        String(resumeFrom),
      ],
      { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lastAck = resumeFrom;
    let acks = 0;
    let repaired = false;
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready repaired') repaired = true;
      const m = /^ack (\d+)$/.exec(line);
      if (!m) return;
      lastAck = Number(m[1]);
      acks++;
      if (acks === killAfterAcks) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve({ lastAck, repaired });
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}

describe('writer crash safety', () => {
  it('SIGKILL while appending, three times over: no torn or merged line, every acknowledged record present', async () => {
    const path = join(dir, 'parity.jsonl');
    let resumeFrom = 0;
    for (const killAfter of [150, 97, 211]) {
      const { lastAck } = await runAndKill(path, resumeFrom, killAfter);
      // Reopen as the service would at restart: a torn tail (if the kill landed mid-write) is repaired.
      const writer = await openParityLogWriter(path, { fsync: 'always' });
      await writer.close();
      const text = await readFile(path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const counts = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).scan_count as number);
      // Every line is one whole record; scan counts run 1..N with no hole and no duplicate.
      expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1));
      // Every acknowledged record is there (the one in flight at the kill may be there too).
      expect(counts.length).toBeGreaterThanOrEqual(lastAck);
      expect(counts.length).toBeLessThanOrEqual(lastAck + 1);
      resumeFrom = counts.length;
    }
  }, 60_000);
});
