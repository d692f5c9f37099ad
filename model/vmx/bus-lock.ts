// "VMM bus-lock detection" (SDM 25.6.2 secondary control bit 30; 26.2): in VMX non-root operation an
// instruction that acquires a bus lock is followed by a trap-like VM exit with reason 74: it completes, and
// the exit saves the guest state after it (RIP of the next instruction). A bus lock is a locked access
// (LOCK prefix, or XCHG with memory, which is always locked: Vol. 3A 9.1.2) that the cache cannot keep
// local; the model's memory is all write-back, so that is a locked access whose operand crosses a 64-byte
// cache line (a split lock). A VM exit of higher priority taken at that boundary instead (INIT/SIPI, an
// exception exit of a machine check) reports the bus lock in bit 26 of its exit reason (28.2.1, "bus lock
// detected": asserted during the instruction that preceded the exit), and no exit 74 follows. Whether exit 74
// itself sets bit 26 is left open (the model clears it).
import type { Cpu } from '../cpu/cpu.js';
import type { Exec, InstrView } from '../cpu/decode.js';
import { regInfo } from '../cpu/registers.js';
import { PROC2_CTLS, proc2Control } from './exits.js';

const CACHE_LINE = 64;
const pending = new WeakSet<Cpu>();
/** How many processors are in `pending` (an over-count while one that was is garbage): at zero the set is not asked. */
let pendingCount = 0;

/** Wraps the execution of a locked instruction with a memory operand: notes a split lock in VMX non-root operation. */
export function watchBusLock(v: InstrView, exec: Exec): Exec {
  const size = v.memSize, seg = regInfo(v.memSeg).index;
  if (size === 0 || seg < 0) return exec;
  return (cpu) => {
    exec(cpu);
    if (cpu.vmx?.nonRoot !== true || !proc2Control(cpu, PROC2_CTLS.VMM_BUS_LOCK_DETECTION)) return;
    const line = (cpu.segBaseLo[seg]! + cpu.eaLo) & (CACHE_LINE - 1);
    if (line + size > CACHE_LINE) {
      if (!pending.has(cpu)) { pending.add(cpu); pendingCount++; }
      cpu.eventCheck = true;
    }
  };
}

/** Whether a bus-lock VM exit is due at this boundary. */
export function busLockExitPending(cpu: Cpu): boolean {
  return pendingCount !== 0 && pending.has(cpu);
}

/** At the instruction boundary after it: whether a bus-lock VM exit is due (consumed). */
export function takeBusLockExit(cpu: Cpu): boolean {
  if (pendingCount === 0 || !pending.has(cpu)) return false;
  pending.delete(cpu);
  pendingCount--;
  return cpu.vmx?.nonRoot === true;
}

/**
 * For a VM exit other than 74 taken at the boundary after a bus lock (events.ts eventExit): whether bit 26 of
 * its exit reason is set (SDM 28.2.1); the pending bus-lock exit is then consumed.
 */
export function takeBusLockIncurred(cpu: Cpu): boolean {
  if (!pending.has(cpu)) return false;
  pending.delete(cpu);
  return true;
}
