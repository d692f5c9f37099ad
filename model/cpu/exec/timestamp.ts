// Reading the time-stamp and performance counters: RDTSC, RDTSCP, RDPID, RDPMC (SDM Vol. 2 RDTSC,
// RDTSCP, RDPID, RDPMC; the TSC itself: Vol. 3B 18.17). The TSC is the machine's cycle clock plus the
// offset that WRMSR to IA32_TIME_STAMP_COUNTER / IA32_TSC_ADJUST sets (msr.ts readTsc).
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { Fault, GP, UD } from '../fault.js';
import { EXIT_REASON } from '../../generated/index.js';
import { PROC_CTLS, PROC2_CTLS, inNonRoot, instructionExit, proc2Control, procControl } from '../../vmx/exits.js';
import { registerBuilder } from '../decode.js';
import { CR4_PCE, CR4_TSD } from '../control-registers.js';
import { IA32_PMC0, IA32_TSC_AUX, PMC_COUNT, readTsc } from '../msr.js';
import { regInfo } from '../registers.js';
import { readGuestTsc } from '../../vmx/timers.js';

/** CR4.TSD = 1 restricts RDTSC and RDTSCP to CPL 0 (SDM Vol. 2 RDTSC, RDTSCP: #GP(0)). */
function checkTsd(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) throw new Fault(GP, 0);
}

/** IA32_TSC_AUX[31:0] (bits 63:32 are reserved, so always 0). */
function tscAux(cpu: Cpu): number {
  return Number(cpu.msr.values.get(IA32_TSC_AUX) ?? 0n) | 0;
}

// RDTSC: EDX:EAX = TSC; in 64-bit mode the upper halves of RAX and RDX are cleared (SDM Vol. 2 RDTSC).
// "RDTSC exiting" makes it exit after the CR4.TSD check (SDM 26.1.1, 26.1.3).
registerBuilder(Mnemonic.Rdtsc, (v) => (cpu) => {
  checkTsd(cpu);
  const guest = inNonRoot(cpu);
  if (guest && procControl(cpu, PROC_CTLS.RDTSC_EXITING)) { instructionExit(cpu, EXIT_REASON.RDTSC, v.length); return; }
  // TSC offsetting and scaling apply in VMX non-root operation (SDM 26.3, 26.6).
  const lo = guest ? readGuestTsc(cpu) : readTsc(cpu);
  cpu.lo[0] = lo; cpu.hi[0] = 0;
  cpu.lo[2] = cpu.vhi; cpu.hi[2] = 0;
});

// RDTSCP: RDTSC plus ECX = IA32_TSC_AUX[31:0] (SDM Vol. 2 RDTSCP). In VMX non-root operation it is #UD
// while "enable RDTSCP" is 0, and exits (reason 51) with it and "RDTSC exiting" both 1 (SDM 26.1.3, 26.3).
registerBuilder(Mnemonic.Rdtscp, (v) => (cpu) => {
  const guest = inNonRoot(cpu);
  if (guest && !proc2Control(cpu, PROC2_CTLS.ENABLE_RDTSCP)) throw new Fault(UD);
  checkTsd(cpu);
  if (guest && procControl(cpu, PROC_CTLS.RDTSC_EXITING)) { instructionExit(cpu, EXIT_REASON.RDTSCP, v.length); return; }
  const lo = guest ? readGuestTsc(cpu) : readTsc(cpu); // SDM 26.3, 26.6
  cpu.lo[0] = lo; cpu.hi[0] = 0;
  cpu.lo[2] = cpu.vhi; cpu.hi[2] = 0;
  cpu.lo[1] = tscAux(cpu); cpu.hi[1] = 0;
});

// RDPID r32/r64: IA32_TSC_AUX zero-extended; any CPL, not affected by CR4.TSD (SDM Vol. 2 RDPID).
registerBuilder(Mnemonic.Rdpid, (v) => {
  const r = regInfo(v.opRegs[0]!);
  if (r.kind !== 'gpr') return undefined;
  const i = r.index;
  return (cpu) => { cpu.lo[i] = tscAux(cpu); cpu.hi[i] = 0; };
});

/**
 * RDPMC (SDM Vol. 2 RDPMC; Vol. 3B 20.2.1): #GP(0) at CPL > 0 unless CR4.PCE = 1, and for a counter
 * the processor does not have. The model enumerates architectural performance monitoring version 1
 * with two general-purpose counters (ECX = 0, 1; no fixed-function counters) that do not count: they
 * read the value last written to IA32_PMCx (0 after reset).
 */
registerBuilder(Mnemonic.Rdpmc, (v) => (cpu) => {
  if (cpu.cpl !== 0 && (cpu.cr4 & CR4_PCE) === 0) throw new Fault(GP, 0);
  // "RDPMC exiting" (SDM 26.1.3): after the privilege check, before the counter-number check.
  if (inNonRoot(cpu) && procControl(cpu, PROC_CTLS.RDPMC_EXITING)) { instructionExit(cpu, EXIT_REASON.RDPMC, v.length); return; }
  const ecx = cpu.lo[1]! >>> 0;
  if (ecx >= PMC_COUNT) throw new Fault(GP, 0);
  const value = cpu.msr.values.get(IA32_PMC0 + ecx) ?? 0n;
  cpu.lo[0] = Number(value & 0xFFFF_FFFFn) | 0; cpu.hi[0] = 0;
  cpu.lo[2] = Number(value >> 32n) | 0; cpu.hi[2] = 0;
});
