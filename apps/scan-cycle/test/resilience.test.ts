import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTokenFile } from '@aegis/broker-saxo/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SIM_SAXO_TOKEN } from '../src/compose.js';
import {
  FIXTURES,
  readJsonl,
  removeTempDirs,
  runCli,
  scansOf,
  simRunArgs,
  startCli,
  tempDir,
  waitFor,
} from './helpers.js';

afterAll(removeTempDirs);

interface Entry {
  scenario: string;
  status: string;
  reason: string | null;
  intent_id: string;
}
interface Scan {
  scan_count: number;
  ts: string;
  entries_proposed: Entry[];
  errors: { source: string; code: string; scenario?: string }[];
  circuit_breaker: { global: string };
}
const scans = async (dir: string) =>
  scansOf(await readJsonl(join(dir, 'logs', 'parity_log.jsonl'))) as unknown as Scan[];

describe('HALT file', () => {
  it('halts every scenario while it exists and releases when it is removed', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('halt');
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(join(dir, 'state', 'HALT'), 'maintenance\n');
    const config = join(FIXTURES, 'multi.yaml');
    const halted = await runCli(
      simRunArgs({ config, dir, start: '2026-04-10T15:00:00Z', extra: ['--max-scans=3'] }),
    );
    expect(halted.code).toBe(0);
    let all = await scans(dir);
    expect(all.map((s) => s.circuit_breaker.global)).toEqual(['halted', 'halted', 'halted']);
    const entries = all.flatMap((s) => s.entries_proposed);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.status === 'blocked' && e.reason === 'breaker')).toBe(true);
    const records = await readJsonl(join(dir, 'logs', 'parity_log.jsonl'));
    expect(records).toContainEqual(
      expect.objectContaining({ record_kind: 'breaker', scenario: 'global', to: 'halted' }),
    );

    await rm(join(dir, 'state', 'HALT'));
    const released = await runCli(
      simRunArgs({ config, dir, start: '2026-04-10T15:00:00Z', extra: ['--max-scans=2'] }),
    );
    expect(released.code).toBe(0);
    all = await scans(dir);
    expect(all.map((s) => s.scan_count)).toEqual([1, 2, 3, 4, 5]);
    expect(all[3]?.circuit_breaker.global).toBe('ok');
    expect(all[3]?.entries_proposed.some((e) => e.status === 'paper_filled')).toBe(true);
  });
});

describe('token file removed mid-run', () => {
  it('records broker errors, leaves paper books alone, and recovers when the file returns', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('token');
    const token = join(dir, 'tokens', 'saxobank_tokens_live.json');
    await mkdir(join(dir, 'tokens'), { recursive: true });
    await writeTokenFile(token, { accessToken: SIM_SAXO_TOKEN });
    const config = join(FIXTURES, 'late_window.yaml');
    // Entries open at 11:30 New York, 160 scans after the 09:30 start: time to pull the file first.
    const cli = startCli(
      simRunArgs({ config, dir, start: '2026-04-10T13:30:00Z', extra: [`--saxo-token-file=${token}`] }),
    );
    await waitFor('two scans', async () => ((await scans(dir)).length >= 2 ? true : undefined));
    const saved = await readFile(token, 'utf8');
    await rm(token);

    const outage = await waitFor('three scans with token errors', async () => {
      const bad = (await scans(dir)).filter((s) =>
        s.entries_proposed.some((e) => e.scenario === 'LT_RC' && e.status === 'precheck_rejected'),
      );
      return bad.length >= 3 ? bad : undefined;
    });
    expect(outage[0]?.scan_count).toBeGreaterThan(2);
    for (const s of outage) {
      const lt = s.entries_proposed.filter((e) => e.scenario === 'LT_RC');
      expect(lt.every((e) => e.status === 'precheck_rejected' && e.reason === 'token_missing')).toBe(true);
      expect(s.errors).toContainEqual(
        expect.objectContaining({ source: 'saxo', code: 'token_missing', scenario: 'LT_RC' }),
      );
    }
    // A rejected precheck proposed again on the next scan keeps its intent id.
    const firstIds = outage[0]?.entries_proposed
      .filter((e) => e.scenario === 'LT_RC')
      .map((e) => e.intent_id);
    expect(outage[1]?.entries_proposed.filter((e) => e.scenario === 'LT_RC').map((e) => e.intent_id)).toEqual(
      firstIds,
    );

    await writeFile(token, saved, { mode: 0o600 });
    // A scan running while the file came back may mix failed and passed prechecks: judge a later one.
    const returnedAt = Math.max(0, ...(await scans(dir)).map((s) => s.scan_count));
    const recovered = await waitFor('a prechecked entry after the file returned', async () =>
      (await scans(dir)).find(
        (s) =>
          s.scan_count > Math.max(outage.at(-1)?.scan_count ?? 0, returnedAt + 1) &&
          s.entries_proposed.some((e) => e.scenario === 'LT_RC' && e.status === 'precheck_ok'),
      ),
    );
    expect(recovered.errors.filter((e) => e.source === 'saxo')).toEqual([]);
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);

    // Paper books unaffected: the paper scenario's decisions equal those of a run that never lost its token.
    const affected = await scans(dir);
    const control = join(dir, 'control');
    const c = await runCli(
      simRunArgs({
        config,
        dir: control,
        start: '2026-04-10T13:30:00Z',
        extra: [`--max-scans=${affected.length}`],
      }),
    );
    expect(c.code).toBe(0);
    const paper = (list: Scan[]) =>
      list.map((s) => s.entries_proposed.filter((e) => e.scenario === 'PAPER_A'));
    expect(paper(affected)).toEqual(paper(await scans(control)));
    expect(
      paper(affected)
        .flat()
        .some((e) => e.status === 'paper_filled'),
    ).toBe(true);
  });
});

describe('crash and restart', () => {
  it('SIGKILL at arbitrary instants never duplicates or loses a scan_count, and the timeline continues', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('kill');
    const config = join(FIXTURES, 'multi.yaml');
    const args = simRunArgs({ config, dir, start: '2026-04-10T15:00:00Z' });
    for (const target of [12, 30]) {
      const cli = startCli(args);
      await waitFor(`scan ${target}`, async () => {
        const text = await readFile(join(dir, 'logs', 'parity_log.jsonl'), 'utf8').catch(() => '');
        return (text.match(/"record_kind":"scan"/g) ?? []).length >= target ? true : undefined;
      });
      cli.child.kill('SIGKILL');
      expect((await cli.done).signal).toBe('SIGKILL');
    }
    const last = await runCli([...args, '--max-scans=5']);
    expect(last.code).toBe(0);
    const all = await scans(dir);
    const counts = all.map((s) => s.scan_count);
    expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1));
    // One virtual timeline: each scan 45 s after the previous one, across both crashes.
    const times = all.map((s) => Date.parse(s.ts));
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual(
      Array(times.length - 1).fill(45_000),
    );
    const state = JSON.parse(await readFile(join(dir, 'state', 'state.json'), 'utf8'));
    expect(state.engine.scanCount).toBe(counts.length);
  });
});
