// Preloaded into the service (`node --import`): the parity log's disk fills up on demand. The service
// exposes no write-fault seam (the parity-log writer has `openLogFile`, scan-cycle does not pass one),
// so this shim makes the next N appends of a parity or comparison record fail with ENOSPC, N being the
// number written in the file named by CAMPAIGN_DISK_FULL_FILE. Other files are never touched.
import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

const control = process.env.CAMPAIGN_DISK_FULL_FILE;
if (control) {
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe);
  await probe.close();
  const write = proto.write;
  const RECORD = Buffer.from('{"schema_version":1,');
  proto.write = function patchedWrite(buffer, ...rest) {
    if (Buffer.isBuffer(buffer) && buffer.subarray(0, RECORD.length).equals(RECORD)) {
      let left = 0;
      try {
        left = Number(readFileSync(control, 'utf8').trim()) || 0;
      } catch {
        left = 0;
      }
      if (left > 0) {
        writeFileSync(control, String(left - 1));
        const error = new Error('ENOSPC: no space left on device, write');
        error.code = 'ENOSPC';
        error.errno = -28;
        error.syscall = 'write';
        return Promise.reject(error);
      }
    }
    return write.call(this, buffer, ...rest);
  };
}
