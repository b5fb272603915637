#!/usr/bin/env node
/**
 * The `scan-cycle` executable. One top-level handler owns the exit codes:
 * 0 ok, 1 runtime failure or refused start, 2 usage, environment or configuration error.
 */
import { isConfigError } from '@aegis/strategy-core';
import { parseScanCycleArgs, USAGE, type UsageError } from './cli.js';
import { breakerCommand, validateConfigCommand } from './commands.js';
import { runDemo } from './demo.js';
import { readProcessEnv } from './env.js';
import { isExitError } from './errors.js';
import { runService } from './run.js';
import { VERSION } from './version.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** SIGTERM/SIGINT abort the loop (the scan in flight finishes); a second signal exits at once. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      err(`${name} again: exiting without waiting`);
      process.exit(130);
    }
    err(`${name}: finishing the scan in flight, then stopping`);
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return controller.signal;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const cmd = parseScanCycleArgs(argv);
    switch (cmd.command) {
      case 'help':
        out(cmd.text);
        return 0;
      case 'version':
        out(VERSION);
        return 0;
      case 'validate-config':
        validateConfigCommand(cmd.file, out);
        return 0;
      case 'breaker':
        await breakerCommand(cmd.action, cmd.stateDir, cmd.scenario, out);
        return 0;
      case 'demo':
        return await runDemo({ outDir: cmd.outDir, print: out, signal: shutdownSignal() });
      case 'run': {
        await runService(cmd.options, readProcessEnv(), { signal: shutdownSignal() });
        return 0;
      }
    }
  } catch (error) {
    if ((error as UsageError)?._tag === 'UsageError') {
      err((error as UsageError).problems.map((p) => `usage: ${p}`).join('\n'));
      err(`\n${USAGE}`);
      return 2;
    }
    if (isConfigError(error)) {
      err(error.message);
      return 2;
    }
    if (isExitError(error)) {
      err(error.message);
      return error.code;
    }
    const tag = (error as { _tag?: string })?._tag;
    if (tag === 'StateLockedError' || tag === 'ApprovalError' || tag === 'StateFileError') {
      err((error as Error).message);
      return 1;
    }
    err(`scan-cycle: unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Logs are written synchronously, so nothing is lost by exiting now (open sockets would keep us alive).
process.exit(code);
