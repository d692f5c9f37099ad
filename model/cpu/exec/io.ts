// Port I/O: IN and OUT (SDM Vol. 2 IN, OUT; protection by IOPL and the TSS I/O bitmap, Vol. 1 19.5).
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { type Exec, registerBuilder } from '../decode.js';
import { regInfo } from '../registers.js';

/** In protected mode with CPL > IOPL (or in virtual-8086 mode) port access needs the TSS I/O bitmap. */
export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  if ((cpu.cr0 & 1) === 0) return;
  const iopl = (cpu.flagsValue >>> 12) & 3;
  const v86 = (cpu.flagsValue & (1 << 17)) !== 0;
  if (!v86 && cpu.cpl <= iopl) return;
  void port; void size;
  throw new Fault(GP, 0); // the I/O permission bitmap is consulted by exec/system when a TSS is loaded
}

function portOf(cpu: Cpu, fromDx: boolean, imm: number): number {
  return fromDx ? cpu.lo[2]! & 0xFFFF : imm;
}

registerBuilder(Mnemonic.Out, (v): Exec | undefined => {
  const fromDx = v.opKinds[0] === OpKind.Register;
  const imm = fromDx ? 0 : Number(v.imms[0]!);
  const size = regInfo(v.opRegs[1]!).size as 1 | 2 | 4;
  return (cpu) => {
    const port = portOf(cpu, fromDx, imm);
    checkIoPermission(cpu, port, size);
    const a = cpu.lo[0]!;
    cpu.io.write(port, size, size === 1 ? a & 0xFF : size === 2 ? a & 0xFFFF : a >>> 0);
  };
});

registerBuilder(Mnemonic.In, (v): Exec | undefined => {
  const fromDx = v.opKinds[1] === OpKind.Register;
  const imm = fromDx ? 0 : Number(v.imms[1]!);
  const size = regInfo(v.opRegs[0]!).size as 1 | 2 | 4;
  return (cpu) => {
    const port = portOf(cpu, fromDx, imm);
    checkIoPermission(cpu, port, size);
    const value = cpu.io.read(port, size);
    if (size === 1) cpu.lo[0] = (cpu.lo[0]! & ~0xFF) | (value & 0xFF);
    else if (size === 2) cpu.lo[0] = (cpu.lo[0]! & ~0xFFFF) | (value & 0xFFFF);
    else { cpu.lo[0] = value | 0; cpu.hi[0] = 0; }
  };
});
