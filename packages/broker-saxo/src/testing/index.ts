export { type CapturedLine, type CaptureLogger, createCaptureLogger } from './capture-logger.js';
export {
  decodeFakeUic,
  FAKE_ROOTS,
  type FakeContract,
  type FakeRoot,
  fakeSymbol,
  fakeUic,
} from './contracts.js';
export { createFakeClock, type FakeClock } from './fake-clock.js';
export {
  type FakeFault,
  type FakeFaultRule,
  type FakeLegView,
  type FakeOrder,
  type FakeOrderView,
  type FakePosition,
  type FakeRequestLog,
  type FakeSaxoOptions,
  type FakeSaxoServer,
  type FakeVerdict,
  startFakeSaxoServer,
} from './fake-server.js';
export { createMemoryJournal, type MemoryJournal } from './memory-journal.js';
export { makeFakeJwt, type TokenFileContent, writeTokenFile } from './token-file.js';
