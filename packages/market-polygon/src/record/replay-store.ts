/**
 * Reads a recording directory back and answers "what did the server say for this path+query at
 * virtual time t": the exchange recorded for it with the latest receive time <= t.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { RecordedExchange } from './types.js';

export const RecordedExchangeSchema = z.object({
  method: z.literal('GET'),
  path: z.string().startsWith('/'),
  query: z.string(),
  status: z.number().int().min(100).max(599),
  receivedAtMs: z.number().finite(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});

export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export interface ReplayStore {
  /** The exchange for this request at virtual time `nowMs`, or undefined. */
  lookup(path: string, query: string, nowMs: number): RecordedExchange | undefined;
  readonly size: number;
  /** Earliest and latest receive times in the recording (null when empty). */
  readonly spanMs: { fromMs: number; toMs: number } | null;
  readonly skipped: SkippedLine[];
}

/** Path decoded, query parameters sorted, any API key dropped: the same request always maps to one key. */
export function requestKey(path: string, query: string): string {
  let p = path;
  try {
    p = decodeURIComponent(path);
  } catch {
    // keep as sent
  }
  const params = new URLSearchParams(query);
  const pairs = [...params.entries()]
    .filter(([k]) => k.toLowerCase() !== 'apikey')
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return `${p}?${new URLSearchParams(pairs).toString()}`;
}

function decodeFile(buf: Buffer): string {
  try {
    return gunzipSync(buf).toString('utf8');
  } catch {
    // A torn last member (crash mid-write): take everything that decodes.
    return gunzipSync(buf, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  }
}

export function loadReplayStore(dir: string): ReplayStore {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl.gz') || f.endsWith('.jsonl'))
    .sort();
  if (files.length === 0) throw new Error(`replay: no *.jsonl.gz recordings in ${dir}`);
  const byKey = new Map<string, RecordedExchange[]>();
  const skipped: SkippedLine[] = [];
  let size = 0;
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const f of files) {
    const full = join(dir, f);
    const raw = readFileSync(full);
    const text = f.endsWith('.gz') ? decodeFile(raw) : raw.toString('utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        skipped.push({
          file: full,
          line: i + 1,
          reason: i === lines.length - 1 ? 'torn last line' : 'not JSON',
        });
        return;
      }
      const r = RecordedExchangeSchema.safeParse(parsed);
      if (!r.success) {
        const issue = r.error.issues[0];
        skipped.push({
          file: full,
          line: i + 1,
          reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        });
        return;
      }
      const ex = r.data as RecordedExchange;
      const key = requestKey(ex.path, ex.query);
      const list = byKey.get(key) ?? [];
      list.push(ex);
      byKey.set(key, list);
      size++;
      fromMs = Math.min(fromMs, ex.receivedAtMs);
      toMs = Math.max(toMs, ex.receivedAtMs);
    });
  }
  // Stable sort keeps file order for equal receive times: the later write wins.
  for (const list of byKey.values()) list.sort((a, b) => a.receivedAtMs - b.receivedAtMs);

  return {
    lookup(path, query, nowMs) {
      const list = byKey.get(requestKey(path, query));
      if (list === undefined) return undefined;
      let lo = 0;
      let hi = list.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((list[mid] as RecordedExchange).receivedAtMs <= nowMs) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found < 0 ? undefined : list[found];
    },
    size,
    spanMs: size === 0 ? null : { fromMs, toMs },
    skipped,
  };
}
