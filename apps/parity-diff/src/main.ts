/**
 * `parity-diff` entry point: the one place that turns outcomes into exit codes
 * (0 pass, 1 fail, 2 usage or unreadable input). Importing it (`@aegis/parity-diff/main`) runs
 * nothing; executing it runs the CLI. Nothing else imports it, so the bundler keeps the self-run
 * check in `dist/main.js` itself.
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { isParityLogError } from '@aegis/parity-log';
import { ParityDiffUsageError, parseParityDiffArgs } from './cli.js';
import { runParityDiff } from './commands/run.js';
import { renderHtml } from './report/html.js';
import { COLOR, createProgressBar, PLAIN, renderTerminal } from './report/terminal.js';

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
export type ExitCode = 0 | 1 | 2;

export interface ParityDiffIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  writeFile(path: string, data: string): Promise<void>;
}

export const nodeIo: ParityDiffIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  writeFile: (path, data) => writeFile(path, data, 'utf8'),
};

export async function main(argv: readonly string[], io: ParityDiffIo = nodeIo): Promise<ExitCode> {
  let args: ReturnType<typeof parseParityDiffArgs>;
  try {
    args = parseParityDiffArgs(argv);
  } catch (error) {
    if (error instanceof ParityDiffUsageError) {
      io.stderr.write(`parity-diff: ${error.message}\nrun 'parity-diff --help' for usage\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (args.command === 'help') {
    io.stdout.write(`${args.text}\n`);
    return EXIT_PASS;
  }

  const bar =
    args.progress === 'auto' && io.stderr.isTTY ? createProgressBar((s) => io.stderr.write(s)) : null;
  let report: Awaited<ReturnType<typeof runParityDiff>>;
  try {
    report = await runParityDiff(args, bar ? { onProgress: (d, t) => bar.update(d, t) } : {});
  } catch (error) {
    bar?.done();
    if (isParityLogError(error)) {
      io.stderr.write(`parity-diff: unreadable input: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`parity-diff: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_USAGE;
  }
  bar?.done();

  if (args.html) {
    try {
      await io.writeFile(args.html, renderHtml(report));
    } catch (error) {
      io.stderr.write(`parity-diff: cannot write --html ${args.html}: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
  }
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(renderTerminal(report, args.color === 'auto' && io.stdout.isTTY ? COLOR : PLAIN));
  return report.pass ? EXIT_PASS : EXIT_FAIL;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`parity-diff: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
