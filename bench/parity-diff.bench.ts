/**
 * parity-diff on a generated parity log compared with itself, beside jq's single summary pass.
 *
 * PARITY_BENCH_MB (default 1024) sets the big log's size; the small one is a tenth of it. Logs are
 * generated once under bench/out/ and reused. Each compare runs in a child process that reports its
 * own peak RSS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSingleParityLog } from './gen-parity-logs.js';
import type { BenchRow } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MB = 1024 * 1024;
const RSS_LIMIT_MB = 256;
const JQ_QUERY =
  'select(.record_kind=="scan") | {ts,scan_count,entries:(.entries_proposed|length),exits:(.exits_proposed|length),errors}';
// Reports the child's own peak RSS (KiB on Linux) as its last stderr line.
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('MAXRSS '+process.resourceUsage().maxRSS+'\\n'))`;

async function ensureLog(mb: number): Promise<string> {
  const path = join(here, 'out', `parity-${mb}mb.jsonl`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path} …\n`);
    await writeSingleParityLog(path, mb * MB, 1);
  }
  return path;
}

function ensureJq(): void {
  if (spawnSync('jq', ['--version']).status === 0) return;
  process.stderr.write('installing jq with apt-get …\n');
  spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', 'jq'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error('jq is missing and apt-get install -y jq failed');
}

function timed(
  cmd: string,
  args: string[],
): Promise<{ seconds: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, code, stderr }),
    );
  });
}

async function compareSelf(path: string) {
  const r = await timed(process.execPath, [
    '--conditions=@aegis/source',
    '--import',
    'tsx',
    '--import',
    REPORT_RSS,
    'apps/parity-diff/src/main.ts',
    'compare',
    '--rust-log',
    path,
    '--python-log',
    path,
    '--tolerance-seconds',
    '60',
    '--json',
  ]);
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`parity-diff child gave no RSS (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  return { seconds: r.seconds, code: r.code, rssMb: Number(m[1]) / 1024 };
}

export default async function bench(): Promise<BenchRow[]> {
  const bigMb = Number(process.env.PARITY_BENCH_MB ?? '1024');
  const smallMb = Math.max(1, Math.round(bigMb / 10));
  ensureJq();
  const small = await ensureLog(smallMb);
  const big = await ensureLog(bigMb);
  const smallBytes = statSync(small).size;
  const bigBytes = statSync(big).size;

  const s = await compareSelf(small);
  const b = await compareSelf(big);
  const jq = await timed('jq', ['-c', JQ_QUERY, big]);
  if (jq.code !== 0) throw new Error(`jq failed: ${jq.stderr.slice(0, 300)}`);

  const name = 'parity-diff';
  const sizeLabel = (bytes: number) => `${Math.round(bytes / MB)} MB`;
  const growth = b.rssMb - s.rssMb;
  const ratio = b.seconds / jq.seconds;
  return [
    {
      bench: name,
      metric: `compare self ${sizeLabel(smallBytes)}: verdict`,
      value: s.code === 0 ? 'PASS' : `exit ${s.code}`,
      unit: '',
      target: 'PASS',
      pass: s.code === 0,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(smallBytes)}: time`,
      value: s.seconds,
      unit: 's',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(smallBytes)}: peak RSS`,
      value: s.rssMb,
      unit: 'MB',
      target: `<= ${RSS_LIMIT_MB}`,
      pass: s.rssMb <= RSS_LIMIT_MB,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(bigBytes)}: verdict`,
      value: b.code === 0 ? 'PASS' : `exit ${b.code}`,
      unit: '',
      target: 'PASS',
      pass: b.code === 0,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(bigBytes)}: time`,
      value: b.seconds,
      unit: 's',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(bigBytes)}: throughput (log size / time)`,
      value: bigBytes / MB / b.seconds,
      unit: 'MB/s',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(bigBytes)}: bytes read / time`,
      value: (2 * bigBytes) / MB / b.seconds,
      unit: 'MB/s',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: `compare self ${sizeLabel(bigBytes)}: peak RSS`,
      value: b.rssMb,
      unit: 'MB',
      target: `<= ${RSS_LIMIT_MB}`,
      pass: b.rssMb <= RSS_LIMIT_MB,
    },
    {
      bench: name,
      metric: `peak RSS growth ${sizeLabel(smallBytes)} → ${sizeLabel(bigBytes)}`,
      value: growth,
      unit: 'MB',
      target: '<= 10% of small',
      pass: growth <= 0.1 * s.rssMb,
    },
    {
      bench: name,
      metric: `jq summary pass ${sizeLabel(bigBytes)}: time`,
      value: jq.seconds,
      unit: 's',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: `jq summary pass ${sizeLabel(bigBytes)}: throughput`,
      value: bigBytes / MB / jq.seconds,
      unit: 'MB/s',
      target: '',
      pass: null,
    },
    {
      bench: name,
      metric: 'full compare time / jq single pass time',
      value: ratio,
      unit: 'x',
      target: '<= 1',
      pass: ratio <= 1,
    },
  ];
}
