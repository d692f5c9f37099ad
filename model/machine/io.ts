// The I/O-port bus (SDM Vol. 1 chapter 19): devices answer port ranges; an unclaimed read returns all ones.
export interface IoDevice {
  readonly name: string;
  read(port: number, size: 1 | 2 | 4): number;
  write(port: number, size: 1 | 2 | 4, value: number): void;
}

export class IoBus {
  private readonly ports = new Map<number, IoDevice>();

  register(first: number, count: number, device: IoDevice): void {
    for (let p = first; p < first + count; p++) {
      const prior = this.ports.get(p);
      if (prior) throw new RangeError(`I/O port ${p.toString(16)}h is claimed by ${prior.name} and ${device.name}`);
      this.ports.set(p, device);
    }
  }

  read(port: number, size: 1 | 2 | 4): number {
    const d = this.ports.get(port & 0xFFFF);
    if (d) return d.read(port & 0xFFFF, size);
    return size === 1 ? 0xFF : size === 2 ? 0xFFFF : 0xFFFF_FFFF;
  }

  write(port: number, size: 1 | 2 | 4, value: number): void {
    this.ports.get(port & 0xFFFF)?.write(port & 0xFFFF, size, value);
  }
}
