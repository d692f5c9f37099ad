// The debug console: bytes written to port E9h appear on the run's output (the convention Bochs uses).
import type { IoDevice } from '../machine/io.js';

export const DEBUG_CONSOLE_PORT = 0xE9;

export class DebugConsole implements IoDevice {
  readonly name = 'debug console (E9h)';
  private readonly bytes: number[] = [];
  /** Called with each byte as it is written (e.g. to stream to stdout). */
  onByte: ((byte: number) => void) | undefined;

  read(): number {
    return 0xE9; // reading the port returns E9h, so software can detect the console (as in Bochs)
  }

  write(_port: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const b = (value >>> (8 * i)) & 0xFF;
      this.bytes.push(b);
      this.onByte?.(b);
    }
  }

  text(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
}
