// Data movement between general-purpose registers, memory and immediates: MOV (SDM Vol. 2 MOV).
// Moves to and from segment, control and debug registers are in exec/system.
import { Mnemonic, OpKind } from 'iced-x86';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { operand, operandSize } from '../operands.js';
import { regInfo } from '../registers.js';

registerBuilder(Mnemonic.Mov, (v: InstrView): Exec | undefined => {
  for (let i = 0; i < 2; i++) {
    if (v.opKinds[i] === OpKind.Register && regInfo(v.opRegs[i]!).kind !== 'gpr') return undefined;
  }
  const size = operandSize(v, 0, operandSize(v, 1, 4));
  // Fast path: register to register and immediate to register.
  if (v.opKinds[0] === OpKind.Register) {
    const d = regInfo(v.opRegs[0]!);
    if (v.opKinds[1] === OpKind.Register && d.size >= 4) {
      const s = regInfo(v.opRegs[1]!).index, di = d.index;
      return d.size === 4
        ? (cpu) => { cpu.lo[di] = cpu.lo[s]!; cpu.hi[di] = 0; }
        : (cpu) => { cpu.lo[di] = cpu.lo[s]!; cpu.hi[di] = cpu.hi[s]!; };
    }
    if (v.opKinds[1]! >= OpKind.Immediate8 && v.opKinds[1]! <= OpKind.Immediate32to64 && d.size >= 4) {
      const lo = Number(BigInt.asIntN(32, v.imms[1]!)), hi = d.size === 8 ? Number(BigInt.asIntN(32, v.imms[1]! >> 32n)) : 0, di = d.index;
      return (cpu) => { cpu.lo[di] = lo; cpu.hi[di] = hi; };
    }
  }
  const dst = operand(v, 0, size);
  const src = operand(v, 1, size);
  if (!dst || !src) return undefined;
  return (cpu) => { const lo = src.read(cpu); dst.write(cpu, lo, cpu.vhi); };
});
