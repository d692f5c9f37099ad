// The shutdown port 8900h: writing the ASCII string "Shutdown" ends the run (the convention Bochs uses).
import type { IoDevice } from '../machine/io.js';

export const SHUTDOWN_PORT = 0x8900;
const MAGIC = 'Shutdown';

export class ShutdownPort implements IoDevice {
  readonly name = 'shutdown port (8900h)';
  private matched = 0;
  requested = false;
  onShutdown: (() => void) | undefined;

  read(): number {
    return 0xFF;
  }

  write(_port: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const ch = String.fromCharCode((value >>> (8 * i)) & 0xFF);
      this.matched = ch === MAGIC[this.matched] ? this.matched + 1 : ch === MAGIC[0] ? 1 : 0;
      if (this.matched === MAGIC.length) {
        this.requested = true;
        this.matched = 0;
        this.onShutdown?.();
      }
    }
  }
}
