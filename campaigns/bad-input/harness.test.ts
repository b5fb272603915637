import { afterAll, describe, expect, it } from 'vitest';
import { mustSettle, OracleFailure } from './lib/harness.js';
import { createSandbox } from './lib/sandbox.js';

// The campaign's verdicts are only worth something if the harness really catches each failure mode.
describe('bad-input harness', () => {
  const sandbox = createSandbox({ caseTimeoutMs: 1_500 });
  afterAll(() => sandbox.close());

  it('reports a synchronous infinite loop as a hang and recovers with a fresh worker', async () => {
    const hang = await sandbox.run('selfTest', { behaviour: 'hang' });
    expect(hang).toEqual({ status: 'hang', timeoutMs: 1_500 });
    expect(() => mustSettle(hang, 'input', [])).toThrow(/hang: the case did not finish within 1500 ms/);
    const next = await sandbox.run('selfTest', { behaviour: 'ok' });
    expect(next).toMatchObject({ status: 'ok', value: 'fine', unhandled: [], protoClean: true });
  });

  it('reports an untyped throw with its name and message', async () => {
    const outcome = await sandbox.run('selfTest', { behaviour: 'throw' });
    expect(outcome).toMatchObject({ status: 'untyped', error: { name: 'TypeError', message: 'boom' } });
    expect(() => mustSettle(outcome, 'input', [])).toThrow(OracleFailure);
  });

  it('reports a stray rejection even when the call itself returned', async () => {
    const outcome = await sandbox.run('selfTest', { behaviour: 'stray-rejection' });
    expect(outcome).toMatchObject({ status: 'ok', unhandled: ['stray'] });
    expect(() => mustSettle(outcome, 'input', [])).toThrow(/unhandled rejection/);
  });

  it('reports an exception thrown from a callback as a crash', async () => {
    const outcome = await sandbox.run('selfTest', { behaviour: 'async-crash' });
    expect(outcome).toMatchObject({ status: 'crash', error: { message: 'async boom' } });
    expect(() => mustSettle(outcome, 'input', [])).toThrow(/crash: the worker died/);
  });

  it('accepts a tagged error only when the suite expects that tag', async () => {
    const outcome = await sandbox.run('selfTest', { behaviour: 'typed' });
    expect(outcome).toMatchObject({ status: 'typed', error: { tag: 'ConfigError', message: 'bad config' } });
    expect(mustSettle(outcome, 'input', ['ConfigError']).status).toBe('typed');
    expect(() => mustSettle(outcome, 'input', ['SaxoError'])).toThrow(/unexpected error type ConfigError/);
  });

  it('notices an input that modified Object.prototype', async () => {
    const outcome = await sandbox.run('selfTest', { behaviour: 'pollute' });
    expect(outcome).toMatchObject({ status: 'ok', protoClean: false });
    expect(() => mustSettle(outcome, 'input', [])).toThrow(/Object.prototype/);
  });
});
