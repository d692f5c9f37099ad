// Cache control, ordering and hint instructions. The model has no caches and executes every access in
// program order on one agent, so these have no effect beyond their privilege and address checks:
// CLFLUSH, CLFLUSHOPT, CLWB, MFENCE, LFENCE, SFENCE, INVD, WBINVD, WBNOINVD, PREFETCHh, PREFETCHW,
// ENDBR32/64 and the reserved-NOP opcodes (SDM Vol. 2 pages of each; NOP's multi-byte forms are 0F 1F /0).
import { Mnemonic } from 'iced-x86';
import { Fault, GP } from '../fault.js';
import { registerBuilder } from '../decode.js';
import { memOperand } from '../operands.js';
import { EXIT_REASON } from '../../generated/index.js';
import { PROC2_CTLS, inNonRoot, instructionExit, proc2Control } from '../../vmx/exits.js';

/**
 * CLFLUSH, CLFLUSHOPT and CLWB take the permission checks and faults of a byte load at the address
 * (segment limit, canonical form, paging: #GP, #SS, #PF); nothing else happens (SDM Vol. 2 CLFLUSH,
 * CLFLUSHOPT, CLWB). The model makes the check by performing the byte read, so a flush of an MMIO
 * address reads the device once.
 */
registerBuilder([Mnemonic.Clflush, Mnemonic.Clflushopt, Mnemonic.Clwb], (v) => {
  const m = memOperand(v, 1);
  return (cpu) => { m.read(cpu); };
});

// MFENCE, LFENCE, SFENCE: ordering only (SDM Vol. 2 MFENCE, LFENCE, SFENCE).
registerBuilder([Mnemonic.Mfence, Mnemonic.Lfence, Mnemonic.Sfence], () => () => {});

// INVD, WBINVD, WBNOINVD: CPL 0 only, #GP(0) otherwise (SDM Vol. 2 INVD, WBINVD, WBNOINVD). In VMX
// non-root operation INVD always exits and WBINVD/WBNOINVD exit with "WBINVD exiting" (SDM 26.1.2,
// 26.1.3); the #GP has priority (26.1.1). Exit-qualification bit 0 tells WBNOINVD (1) from WBINVD (28.2.1).
registerBuilder(Mnemonic.Invd, (v) => (cpu) => {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
  if (inNonRoot(cpu)) instructionExit(cpu, EXIT_REASON.INVD, v.length);
});
registerBuilder([Mnemonic.Wbinvd, Mnemonic.Wbnoinvd], (v) => {
  const qualification = v.mnemonic === Mnemonic.Wbnoinvd ? 1n : 0n;
  return (cpu) => {
    if (cpu.cpl !== 0) throw new Fault(GP, 0);
    if (inNonRoot(cpu) && proc2Control(cpu, PROC2_CTLS.WBINVD_EXITING)) {
      instructionExit(cpu, EXIT_REASON.WBINVD_WBNOINVD, v.length, { qualification });
    }
  };
});

// Prefetch hints never fault (SDM Vol. 2 PREFETCHh, PREFETCHW): no access is made.
registerBuilder([Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2, Mnemonic.Prefetchw,
  Mnemonic.Prefetch, Mnemonic.Prefetchwt1], () => () => {});

// ENDBR32/ENDBR64 execute as NOP without CET (not offered; SDM Vol. 2 ENDBR32, ENDBR64).
registerBuilder([Mnemonic.Endbr32, Mnemonic.Endbr64], () => () => {});

// The reserved-NOP opcodes 0F 18 /4-7 and 0F 19-0F 1E (MPX and CET hint space without those features):
// no memory access, no fault (SDM Vol. 2 Table A-3 and NOP).
registerBuilder(Mnemonic.Reservednop, () => () => {});
