// Instructions the model implements only as far as VMX non-root operation defines them: the faults that
// have priority over VM exits (SDM 26.1.1: #UD, privilege-based #GP), the #UD that VMX non-root operation
// itself imposes when an enabling control is 0 (26.3), and the VM exit (26.1.2, 26.1.3) with its exit
// information (28.2). Everything else these instructions do (SGX leaves, key loading, user waits,
// PCONFIG leaves, SEAM and TD calls) is not modelled: when no VM exit happens, or outside VMX non-root
// operation, they raise #UD and are counted as unimplemented, like any instruction the model lacks.
// CPUID does not enumerate them, because the model cannot execute them.
//
// Whether the modelled part has an instruction at all (its CPUID #UD condition) follows the profile:
// the part has WAITPKG when it allows "enable user wait and pause", PCONFIG when it allows "enable
// PCONFIG", SGX (ENCLS, ENCLV) when firmware enabled it (IA32_FEATURE_CONTROL bit 18, SGX global enable),
// TDX (SEAMCALL, TDCALL) when it allows the SEAM-only tertiary control "SEAM guest physical address width".
// Key Locker's LOADIWKEY needs CR4.KL (bit 19), which a guest can have only if IA32_VMX_CR4_FIXED1 allows it.
import { Mnemonic, Register } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { Fault, GP, UD } from '../fault.js';
import { regInfo } from '../registers.js';
import { CR4_TSD } from '../control-registers.js';
import { type ControlRef, EXIT_REASON, PROC3_CTLS } from '../../generated/index.js';
import { vmxOf } from '../../vmx/operation.js';
import { PROC_CTLS, PROC2_CTLS, inNonRoot, instructionExit, proc2Control, proc3Control, procControl } from '../../vmx/exits.js';
import { inSmm } from '../smm.js';
import { rsmByDefaultTreatment } from '../../vmx/smm.js';

/** The model does not execute this instruction: #UD, counted by mnemonic (as decode.ts does for unknown ones). */
function unimplemented(cpu: Cpu, v: InstrView): never {
  const name = Mnemonic[v.mnemonic] ?? String(v.mnemonic);
  cpu.stats.unimplemented.set(name, (cpu.stats.unimplemented.get(name) ?? 0) + 1);
  throw new Fault(UD);
}

function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
}

/** The profile allows the 1-setting of a control (the part has the feature behind it). */
function partHas(cpu: Cpu, ref: ControlRef): boolean {
  return vmxOf(cpu).caps.supports(ref);
}

const IA32_FEATURE_CONTROL = 0x3A, SGX_GLOBAL_ENABLE = 1n << 18n;
const CR4_KL = 1 << 19;

function sgxEnabled(cpu: Cpu): boolean {
  return ((cpu.msr.read(IA32_FEATURE_CONTROL) ?? 0n) & SGX_GLOBAL_ENABLE) !== 0n;
}

/** A leaf-selecting exiting bitmap (ENCLS, ENCLV, PCONFIG; SDM 25.6.16-25.6.18): bit EAX, or bit 63 for EAX >= 63. */
function bitmapSelects(cpu: Cpu, field: string): boolean {
  const leaf = cpu.lo[0]! >>> 0;
  return ((cpu.vmx!.current!.get(field) >> BigInt(Math.min(leaf, 63))) & 1n) !== 0n;
}

// ---- SEAMCALL, TDCALL: VM exits unconditionally in VMX non-root operation (SDM 26.1.2); CPL 0 only. They
// exist on parts with Intel TDX (SEAM); the model takes a profile that offers the tertiary control "SEAM guest
// physical address width" (bit 5, a SEAM-only control) as such a part, and raises #UD on any other.
registerBuilder([Mnemonic.Seamcall, Mnemonic.Tdcall], (v) => (cpu) => {
  if (!partHas(cpu, 'proc3.SEAM_GUEST_PHYSICAL_ADDRESS_WIDTH')) throw new Fault(UD);
  if (!inNonRoot(cpu)) unimplemented(cpu, v);
  requireCpl0(cpu);
  instructionExit(cpu, v.mnemonic === Mnemonic.Seamcall ? EXIT_REASON.SEAMCALL : EXIT_REASON.TDCALL, v.length);
});

// ---- ENCLS (SDM 26.1.3; Vol. 3D 38 ENCLS): #UD without SGX enabled or at CPL > 0; exits when "enable ENCLS
// exiting" is 1 and the ENCLS-exiting bitmap selects the leaf in EAX.
registerBuilder(Mnemonic.Encls, (v) => (cpu) => {
  if (!sgxEnabled(cpu) || cpu.cpl !== 0) throw new Fault(UD);
  if (inNonRoot(cpu) && proc2Control(cpu, PROC2_CTLS.ENABLE_ENCLS_EXITING) && bitmapSelects(cpu, 'ENCLS_EXITING_BITMAP')) {
    instructionExit(cpu, EXIT_REASON.ENCLS, v.length);
    return;
  }
  unimplemented(cpu, v);
});

// ---- ENCLV (SDM 26.1.3, 26.3): #UD without SGX enabled; in VMX non-root operation #UD while "enable ENCLV
// exiting" is 0, else a VM exit when the ENCLV-exiting bitmap selects the leaf in EAX.
registerBuilder(Mnemonic.Enclv, (v) => (cpu) => {
  if (!sgxEnabled(cpu)) throw new Fault(UD);
  if (inNonRoot(cpu)) {
    if (!proc2Control(cpu, PROC2_CTLS.ENABLE_ENCLV_EXITING)) throw new Fault(UD);
    if (bitmapSelects(cpu, 'ENCLV_EXITING_BITMAP')) { instructionExit(cpu, EXIT_REASON.ENCLV, v.length); return; }
  }
  unimplemented(cpu, v);
});

// ---- PCONFIG (SDM 26.1.3, 26.3; Vol. 2 PCONFIG): #UD on a part without it, #GP(0) at CPL > 0; in VMX non-root
// operation #UD while "enable PCONFIG" is 0, else a VM exit when the PCONFIG-exiting bitmap selects EAX's leaf.
registerBuilder(Mnemonic.Pconfig, (v) => (cpu) => {
  if (!partHas(cpu, 'proc2.ENABLE_PCONFIG')) throw new Fault(UD);
  requireCpl0(cpu);
  if (inNonRoot(cpu)) {
    if (!proc2Control(cpu, PROC2_CTLS.ENABLE_PCONFIG)) throw new Fault(UD);
    if (bitmapSelects(cpu, 'PCONFIG_EXITING_BITMAP')) { instructionExit(cpu, EXIT_REASON.PCONFIG, v.length); return; }
  }
  unimplemented(cpu, v);
});

// ---- UMWAIT, TPAUSE (SDM 26.1.3, 26.3; Vol. 2 UMWAIT, TPAUSE): #UD on a part without WAITPKG; #GP(0) with
// CR4.TSD = 1 at CPL > 0 (privilege-based, before the exit); in VMX non-root operation #UD while "enable user
// wait and pause" is 0, else a VM exit when "RDTSC exiting" is 1, saving the source register in bits 6:3 of
// the instruction information (28.2.5; bits 12:11 are undefined for these two).
registerBuilder([Mnemonic.Umwait, Mnemonic.Tpause], (v) => {
  const r = regInfo(v.opRegs[0]!);
  if (r.kind !== 'gpr') return undefined;
  const reason = v.mnemonic === Mnemonic.Umwait ? EXIT_REASON.UMWAIT : EXIT_REASON.TPAUSE;
  return (cpu) => {
    if (!partHas(cpu, 'proc2.ENABLE_USER_WAIT_AND_PAUSE')) throw new Fault(UD);
    if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) throw new Fault(GP, 0);
    if (inNonRoot(cpu)) {
      if (!proc2Control(cpu, PROC2_CTLS.ENABLE_USER_WAIT_AND_PAUSE)) throw new Fault(UD);
      if (procControl(cpu, PROC_CTLS.RDTSC_EXITING)) { instructionExit(cpu, reason, v.length, { instructionInformation: r.index << 3 }); return; }
    }
    unimplemented(cpu, v);
  };
});

// ---- LOADIWKEY (SDM 26.1.3; Vol. 2 LOADIWKEY): #UD while CR4.KL = 0, #GP(0) at CPL > 0; a VM exit when the
// tertiary control "LOADIWKEY exiting" is 1, with the two XMM registers in the instruction information
// (reg1 in bits 6:3, reg2 in bits 31:28, 28.2.5).
registerBuilder(Mnemonic.Loadiwkey, (v) => {
  const x1 = v.opRegs[0]! - Register.XMM0, x2 = v.opRegs[1]! - Register.XMM0;
  if (x1 < 0 || x1 > 15 || x2 < 0 || x2 > 15) return undefined;
  const instructionInformation = ((x1 << 3) | (x2 << 28)) >>> 0;
  return (cpu) => {
    if ((cpu.cr4 & CR4_KL) === 0) throw new Fault(UD);
    requireCpl0(cpu);
    if (inNonRoot(cpu) && proc3Control(cpu, PROC3_CTLS.LOADIWKEY_EXITING)) {
      instructionExit(cpu, EXIT_REASON.LOADIWKEY, v.length, { instructionInformation });
      return;
    }
    unimplemented(cpu, v);
  };
});

// ---- RSM (Vol. 2 RSM; SDM 26.1.3): #UD outside SMM; in SMM in VMX non-root operation (a guest of the STM under
// the dual-monitor treatment, 33.15.3) a VM exit with reason 17; in SMM entered by the default treatment it
// returns from SMM (33.6, 33.14.2: model/vmx/smm.ts). The STM (SMM in VMX root operation) returns with a VM
// entry, not RSM: the model makes RSM #UD there (the SDM names no outcome).
registerBuilder(Mnemonic.Rsm, (v) => (cpu) => {
  if (!inSmm(cpu)) throw new Fault(UD);
  if (inNonRoot(cpu)) { instructionExit(cpu, EXIT_REASON.RSM, v.length); return; }
  if (cpu.smm?.saved === undefined) throw new Fault(UD);
  rsmByDefaultTreatment(cpu);
  cpu.nextLo = cpu.ripLo; cpu.nextHi = cpu.ripHi;
});
