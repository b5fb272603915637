import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { pair, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const isCi = process.env.CI === 'true';
if (!hasChromium && !isCi) {
  process.stderr.write(`html-browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
}

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('parity-html-'));
});
afterAll(() => cleanup());

describe('HTML report in headless Chromium', () => {
  it.skipIf(!hasChromium && !isCi)(
    'draws the VIX delta, entries per date and per-scenario equity charts offline',
    async () => {
      if (!hasChromium)
        throw new Error(`${CHROMIUM} is missing on CI: install it with apt-get install -y chromium`);
      const logs = await pair(
        root,
        {
          vixOffset: 0.05,
          vixOffsetScans: 40,
          missingEntries: 3,
          equityDrift: { scenario: 'WFT_A', dollarsPerRecord: 1 },
        },
        { tradingDays: 2 },
      );
      const htmlPath = join(root, 'report.html');
      const code = await main(
        [
          'gate',
          '--candidate-dir',
          logs.candidateDir,
          '--reference-dir',
          logs.referenceDir,
          '--html',
          htmlPath,
        ],
        {
          stdout: { write: () => true },
          stderr: { write: () => true },
          writeFile: (await import('node:fs/promises')).writeFile as (p: string, d: string) => Promise<void>,
        },
      );
      expect(code).toBe(1);

      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const requests: string[] = [];
        // The report must need nothing but itself: every other request is refused and recorded.
        await page.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith('file:')) return route.continue();
          requests.push(url);
          return route.abort();
        });
        await page.goto(pathToFileURL(htmlPath).href);
        expect(await page.title()).toBe('parity-diff gate: FAIL');

        const size = async (selector: string) => {
          const box = await page.locator(selector).first().boundingBox();
          return box ? box.width * box.height : 0;
        };
        expect(await size('svg[data-chart="vix-delta"]')).toBeGreaterThan(0);
        expect(await size('svg[data-chart="vix-delta"] path.series')).toBeGreaterThan(0);
        expect(await page.locator('svg[data-chart="vix-delta"] line.ref').count()).toBe(2);

        expect(await size('svg[data-chart="entries-per-date"]')).toBeGreaterThan(0);
        const bars = page.locator('svg[data-chart="entries-per-date"] rect.bar');
        expect(await bars.count()).toBe(4);
        for (let i = 0; i < 4; i++) expect(((await bars.nth(i).boundingBox())?.height ?? 0) > 0).toBe(true);

        const equityCharts = page.locator('svg[data-chart^="equity-"]');
        expect(await equityCharts.count()).toBe(11);
        const lines = page.locator('svg[data-chart="equity-WFT_A"] path.series');
        expect(await lines.count()).toBe(2);
        for (let i = 0; i < 2; i++) expect(((await lines.nth(i).boundingBox())?.width ?? 0) > 100).toBe(true);

        const shot = join(root, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect((await stat(shot)).size).toBeGreaterThan(20_000);
        expect(requests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
