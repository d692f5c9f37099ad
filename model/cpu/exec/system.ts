// System instructions (SDM Vol. 2; Vol. 3A chapters 2-5): segment-register loads (MOV Sreg, POP Sreg,
// LDS/LES/LFS/LGS/LSS), far JMP/CALL/RET with call gates, the descriptor-table registers (LGDT, LIDT,
// SGDT, SIDT, LLDT, LTR, SLDT, STR), LAR/LSL/VERR/VERW, control and debug registers (MOV CR, MOV DR,
// CLTS, LMSW, SMSW), INVLPG, INVPCID, SWAPGS, SYSCALL/SYSRET, SYSENTER/SYSEXIT and RDFSBASE..WRGSBASE.
// Task switches (far JMP/CALL to a TSS or task gate) are not modelled: they raise #GP(selector), except in
// VMX non-root operation, where they cause VM exits (vmx/task-switch.ts).
import { Code, Mnemonic, OpKind } from 'iced-x86';
import { readCr8Virtual, tprShadow, writeCr8Virtual } from '../../vmx/apic-virtualization.js';
import type { Cpu } from '../cpu.js';
import { AR_UNUSABLE, CplCause } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { DB, Fault, GP, NP, SS_, UD } from '../fault.js';
import { IF, RF, VM, ZF, readFlags, setFlag, writeFlags } from '../flags.js';
import { isCanonical, readSized, writeSized } from '../access.js';
import { compileEa, gprOperand } from '../operands.js';
import { CS, DS, ES, FS, GS, LDTR, SS, TR, regInfo } from '../registers.js';
import {
  CR0_PE, CR0_TS, CR4_DE, CR4_FSGSBASE, CR4_PCIDE, CR4_UMIP, EFER_LMA, EFER_SCE, writeCr0, writeCr3, writeCr4, writeCr8,
} from '../control-registers.js';
import {
  tlbFlushAddressPcid, tlbFlushAll, tlbFlushNonGlobal, tlbFlushPage, tlbFlushPcid,
} from '../mmu.js';
import { invalidateFetch } from '../decode.js';
import {
  NewStack, checkReturnCodeSegment, checkReturnStackSegment, desc, descBase, descDb, descDpl, descL, descLimit, descPresent,
  descS, descType, gateOffset, gateSelector, innerStack, is64Code, isCodeDescriptor, isConforming, isReadable,
  isWritableData, loadDataSegment, loadDescriptor, loadNull, loadReal, markAccessed, nullInaccessibleSegments, protectedMode,
  readDescriptor, readTss, selectorError, setBusy, v86Mode, DT_CALL_GATE, DT_CALL_GATE16, DT_LDT, DT_TASK_GATE,
  DT_TSS16_AVAIL, DT_TSS16_BUSY, DT_TSS_AVAIL, DT_TSS_BUSY,
} from '../segmentation.js';
import {
  IA32_FMASK, IA32_KERNEL_GS_BASE, IA32_LSTAR, IA32_STAR, IA32_SYSENTER_CS, IA32_SYSENTER_EIP, IA32_SYSENTER_ESP,
} from '../msr.js';
import { cpuidTable } from './cpuid.js';
import { EXIT_REASON } from '../../generated/index.js';
import {
  DESCRIPTOR_IDENTITY, PROC_CTLS, PROC2_CTLS, cltsExit, descriptorTableExit, inNonRoot, instructionExit, invpcidExit, lmswExit,
  movDrExit, movFromCrExit, movToCrExit, proc2Control, procControl, shadowedCr,
} from '../../vmx/exits.js';
import { memSegment, off, offsetAdd } from './helpers.js';
import { adjustSp, stackRead, stackWrite } from './stack.js';
import { debugExceptionExit } from '../../vmx/events.js';
import { TASK_SWITCH_SOURCE, farTransferTaskSwitch } from '../../vmx/task-switch.js';

// ---- common checks

function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
}

/** LLDT, LTR, SLDT, STR, LAR, LSL, VERR, VERW are not recognised in real-address and virtual-8086 mode (#UD). */
function requireProtectedNonV86(cpu: Cpu): void {
  if (!protectedMode(cpu) || v86Mode(cpu)) throw new Fault(UD);
}

/** With CR4.UMIP = 1, SGDT, SIDT, SLDT, SMSW and STR raise #GP(0) when CPL > 0 (SDM Vol. 3A 2.5). */
function umipCheck(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_UMIP) !== 0 && cpu.cpl > 0) throw new Fault(GP, 0);
}

function gprOf(v: InstrView, i: number): number {
  const info = regInfo(v.opRegs[i]!);
  return info.kind === 'gpr' ? info.index : -1;
}

/** A 16-bit selector source: a register's low word or a word of memory. */
function selectorSource(v: InstrView, i: number): ((cpu: Cpu) => number) | undefined {
  if (v.opKinds[i] === OpKind.Register) {
    const r = gprOf(v, i);
    return r < 0 ? undefined : (cpu) => cpu.lo[r]! & 0xFFFF;
  }
  if (v.opKinds[i] === OpKind.Memory) {
    const ea = compileEa(v), seg = memSegment(v);
    return (cpu) => { ea(cpu); return readSized(cpu, seg, cpu.eaLo, cpu.eaHi, 2); };
  }
  return undefined;
}

/**
 * A selector or similar 16-bit value stored by SLDT, STR, SMSW, MOV r/m, Sreg: to memory 16 bits; to a
 * 32- or 64-bit register zero-extended (SDM Vol. 2 MOV, SLDT, STR).
 */
function wordStore(v: InstrView, i: number, regSize: 2 | 4 | 8): ((cpu: Cpu, value: number) => void) | undefined {
  if (v.opKinds[i] === OpKind.Register) {
    const r = gprOf(v, i);
    if (r < 0) return undefined;
    const dst = gprOperand(r, regInfo(v.opRegs[i]!).size === 2 ? 2 : regSize);
    return (cpu, value) => dst.write(cpu, value, 0);
  }
  if (v.opKinds[i] === OpKind.Memory) {
    const ea = compileEa(v), seg = memSegment(v);
    return (cpu, value) => { ea(cpu); writeSized(cpu, seg, cpu.eaLo, cpu.eaHi, 2, value & 0xFFFF, 0); };
  }
  return undefined;
}

// ---- MOV to and from segment registers (SDM Vol. 2 MOV; Vol. 3A 5.4-5.6)

/** The MOV SS / POP SS interrupt shadow: events are blocked until after the next instruction (SDM Vol. 3A 6.8.3). */
function afterSsLoad(cpu: Cpu, seg: number): void {
  if (seg === SS) { cpu.interruptShadow = 2; cpu.shadowByMovSs = true; cpu.eventCheck = true; }
}

function movSreg(v: InstrView): Exec | undefined {
  const d = regInfo(v.opRegs[0]!);
  if (v.opKinds[0] === OpKind.Register && d.kind === 'seg') {
    const seg = d.index;
    const src = selectorSource(v, 1);
    if (!src) return undefined;
    if (seg === CS) return () => { throw new Fault(UD); }; // MOV to CS is invalid (SDM Vol. 2 MOV)
    return (cpu) => { loadDataSegment(cpu, seg, src(cpu)); afterSsLoad(cpu, seg); };
  }
  const s = v.opKinds[1] === OpKind.Register ? regInfo(v.opRegs[1]!) : undefined;
  if (s?.kind === 'seg') {
    const seg = s.index;
    const regSize = v.code === Code.Mov_r64m16_Sreg ? 8 : 4;
    const store = wordStore(v, 0, regSize);
    if (!store) return undefined;
    return (cpu) => store(cpu, cpu.segSel[seg]!);
  }
  return undefined;
}

// ---- MOV to and from control and debug registers (SDM Vol. 2 MOV CR, MOV DR; Vol. 3A 2.5, 18.2)

const cr4ReservedCache = new WeakMap<object, number>();

/**
 * CR4 bits the processor does not support are reserved (#GP on MOV to CR4, SDM Vol. 3A 2.5): a bit is
 * supported when CPUID reports its feature. DE, MCE, TSD and PCE are always supported; VME/PVI (no
 * virtual-8086 extensions), UMIP, SMXE and PKE are not offered by the model.
 */
export function cr4Reserved(cpu: Cpu): number {
  let r = cr4ReservedCache.get(cpu.profile);
  if (r !== undefined) return r;
  const f = cpuidTable(cpu).features;
  let allowed = (1 << 2) | (1 << 3) | (1 << 6) | (1 << 8); // TSD, DE, MCE, PCE
  const bit = (name: string, b: number): void => { if (f.has(name)) allowed |= 1 << b; };
  bit('PSE', 4); bit('PAE', 5); bit('PGE', 7); bit('FXSR', 9); bit('SSE', 10); bit('LA57', 12); bit('VMX', 13);
  bit('FSGSBASE', 16); bit('PCID', 17); bit('XSAVE', 18); bit('SMEP', 20); bit('SMAP', 21);
  r = ~allowed;
  cr4ReservedCache.set(cpu.profile, r);
  return r;
}

function movCr(v: InstrView): Exec | undefined {
  const toCr = v.code === Code.Mov_cr_r32 || v.code === Code.Mov_cr_r64;
  const fromCr = v.code === Code.Mov_r32_cr || v.code === Code.Mov_r64_cr;
  if (!toCr && !fromCr) return undefined;
  const wide = v.code === Code.Mov_cr_r64 || v.code === Code.Mov_r64_cr;
  const cr = regInfo(v.opRegs[toCr ? 0 : 1]!).index;
  const r = gprOf(v, toCr ? 1 : 0);
  if (r < 0 || ![0, 2, 3, 4, 8].includes(cr)) return () => { throw new Fault(UD); };
  const gpr = gprOperand(r, wide ? 8 : 4);
  if (toCr) {
    return (cpu) => {
      requireCpl0(cpu);
      let lo = cpu.lo[r]!, hi = wide ? cpu.hi[r]! : 0;
      // VMX non-root operation: CR-access exits and guest/host masks (SDM 26.1.3, 26.3).
      if (inNonRoot(cpu)) {
        const load = movToCrExit(cpu, v.length, cr, r, lo, hi);
        if (!load) return;
        lo = load.lo; hi = load.hi;
        // With "use TPR shadow" MOV to CR8 writes VTPR after its own #GP checks (SDM 30.3).
        if (cr === 8 && tprShadow(cpu)) {
          if (hi !== 0 || (lo & ~0xF) !== 0) throw new Fault(GP, 0);
          writeCr8Virtual(cpu, lo);
          return;
        }
      }
      switch (cr) {
        case 0: writeCr0(cpu, lo, hi); break;
        case 2: cpu.cr2Lo = lo; cpu.cr2Hi = hi; break;
        case 3: writeCr3(cpu, lo, hi); break;
        case 4: writeCr4(cpu, lo, hi, cr4Reserved(cpu)); break;
        default: writeCr8(cpu, lo, hi);
      }
    };
  }
  return (cpu) => {
    requireCpl0(cpu);
    const guest = inNonRoot(cpu);
    if (guest && movFromCrExit(cpu, v.length, cr, r)) return;
    let lo: number, hi = 0;
    switch (cr) {
      case 0: lo = guest ? shadowedCr(cpu, 0, cpu.cr0) : cpu.cr0; break;
      case 2: lo = cpu.cr2Lo; hi = cpu.cr2Hi; break;
      case 3: lo = cpu.cr3Lo; hi = cpu.cr3Hi; break;
      case 4: lo = guest ? shadowedCr(cpu, 4, cpu.cr4) : cpu.cr4; break;
      // CR8 is TPR[7:4] (SDM Vol. 3A 11.8.6); with "use TPR shadow", VTPR[7:4] (SDM 30.3).
      default: lo = guest && tprShadow(cpu) ? readCr8Virtual(cpu) : cpu.apic !== undefined ? (cpu.apic.reg('TPR') >>> 4) & 0xF : cpu.cr8;
    }
    gpr.write(cpu, lo, hi);
  };
}

/** DR6 and DR7 fixed bits (SDM Vol. 3A 18.2.3, 18.2.4): reserved bits read as their fixed values. */
const DR6_FIXED1 = 0xFFFF_0FF0 | 0, DR6_WRITABLE = 0xE00F, DR7_FIXED1 = 0x400, DR7_WRITABLE = 0xFFFF_23FF | 0;
const DR7_GD = 1 << 13, DR6_BD = 1 << 13;

function movDr(v: InstrView): Exec | undefined {
  const toDr = v.code === Code.Mov_dr_r32 || v.code === Code.Mov_dr_r64;
  const fromDr = v.code === Code.Mov_r32_dr || v.code === Code.Mov_r64_dr;
  if (!toDr && !fromDr) return undefined;
  const wide = v.code === Code.Mov_dr_r64 || v.code === Code.Mov_r64_dr;
  const named = regInfo(v.opRegs[toDr ? 0 : 1]!).index;
  const r = gprOf(v, toDr ? 1 : 0);
  if (r < 0 || named > 7) return () => { throw new Fault(UD); };
  const gpr = gprOperand(r, wide ? 8 : 4);
  return (cpu) => {
    requireCpl0(cpu);
    let n = named;
    // DR4 and DR5 alias DR6 and DR7 unless CR4.DE = 1, which makes them #UD (SDM Vol. 3A 18.2.2).
    if (n === 4 || n === 5) {
      if ((cpu.cr4 & CR4_DE) !== 0) throw new Fault(UD);
      n += 2;
    }
    // "MOV-DR exiting" (SDM 26.1.3): after the #UD and CPL checks, before general detect (26.1.1).
    if (inNonRoot(cpu) && movDrExit(cpu, v.length, named, fromDr, r)) return;
    // General detect: any MOV DR with DR7.GD = 1 is a #DB fault with DR6.BD set; GD is cleared (18.2.4).
    if ((cpu.drLo[7]! & DR7_GD) !== 0) {
      if (inNonRoot(cpu) && debugExceptionExit(cpu, DR6_BD)) return; // a #DB VM exit leaves DR6/DR7 alone (SDM 3C 28.2.1)
      cpu.drLo[6] = cpu.drLo[6]! | DR6_BD;
      cpu.drLo[7] = cpu.drLo[7]! & ~DR7_GD;
      throw new Fault(DB);
    }
    if (fromDr) { gpr.write(cpu, cpu.drLo[n]!, cpu.drHi[n]!); return; }
    const lo = cpu.lo[r]!, hi = wide ? cpu.hi[r]! : 0;
    if (n >= 6 && hi !== 0) throw new Fault(GP, 0); // bits 63:32 of DR6 and DR7 must be 0
    if (n === 6) cpu.drLo[6] = (lo & DR6_WRITABLE) | DR6_FIXED1;
    else if (n === 7) { cpu.drLo[7] = (lo & DR7_WRITABLE) | DR7_FIXED1; cpu.drHi[7] = 0; }
    else { cpu.drLo[n] = lo; cpu.drHi[n] = hi; }
  };
}

registerBuilder(Mnemonic.Mov, (v) => movSreg(v) ?? movCr(v) ?? movDr(v));

// ---- LDS/LES/LFS/LGS/LSS (SDM Vol. 2 LDS). POP Sreg is exec/stack.ts, loading through loadDataSegment.

function farPointerLoad(seg: number) {
  return (v: InstrView): Exec | undefined => {
    const r = gprOf(v, 0);
    if (r < 0 || v.opKinds[1] !== OpKind.Memory) return undefined;
    const size = regInfo(v.opRegs[0]!).size as 2 | 4 | 8;
    const dst = gprOperand(r, size);
    const ea = compileEa(v), mseg = memSegment(v), as = v.addressSize / 8;
    return (cpu) => {
      ea(cpu);
      const oLo = readSized(cpu, mseg, cpu.eaLo, cpu.eaHi, size), oHi = cpu.vhi;
      offsetAdd(as, cpu.eaLo, cpu.eaHi, size);
      const sel = readSized(cpu, mseg, off.lo, off.hi, 2);
      loadDataSegment(cpu, seg, sel);
      dst.write(cpu, oLo, oHi);
    };
  };
}
registerBuilder(Mnemonic.Lds, farPointerLoad(DS));
registerBuilder(Mnemonic.Les, farPointerLoad(ES));
registerBuilder(Mnemonic.Lfs, farPointerLoad(FS));
registerBuilder(Mnemonic.Lgs, farPointerLoad(GS));
registerBuilder(Mnemonic.Lss, farPointerLoad(SS));

// ---- far JMP, CALL and RET (SDM Vol. 2 JMP, CALL, RET; Vol. 3A 5.8)

/** Sets RIP for a far transfer into the code segment now in CS. */
function setFarRip(cpu: Cpu, lo: number, hi: number): void {
  cpu.nextLo = lo; cpu.nextHi = hi;
}

/**
 * The target offset checks of a far transfer: canonical when the target is 64-bit code, within the
 * limit otherwise (#GP(0)). Returns false when it fails, so callers raise the fault.
 */
function targetOffsetOk(long64: boolean, limit: number, lo: number, hi: number, cpu: Cpu): boolean {
  return long64 ? isCanonical(cpu, lo, hi) : (lo >>> 0) <= limit;
}

/** Real-address or virtual-8086 far JMP/CALL target (SDM Vol. 2 JMP: "real-address or virtual-8086 mode"). */
function realFarTarget(cpu: Cpu, sel: number, offLo: number, size: number): void {
  const ip = size === 2 ? offLo & 0xFFFF : offLo >>> 0;
  if (ip > cpu.segLimit[CS]! && !v86Mode(cpu)) throw new Fault(GP, 0);
  if (v86Mode(cpu) && ip > 0xFFFF) throw new Fault(GP, 0);
  loadReal(cpu, CS, sel);
  setFarRip(cpu, ip, 0);
}

/**
 * Checks the code-segment descriptor now in `desc` as the direct target of a far JMP or CALL (SDM Vol. 2
 * JMP, CALL: "IF segment type is code"): conforming with DPL <= CPL, or non-conforming with RPL <= CPL
 * and DPL = CPL; present; in IA-32e mode not both L and D.
 */
function checkDirectCodeTarget(cpu: Cpu, sel: number): void {
  const hi = desc.hi, dpl = descDpl(hi);
  if (isConforming(hi)) { if (dpl > cpu.cpl) throw new Fault(GP, selectorError(sel)); }
  else if ((sel & 3) > cpu.cpl || dpl !== cpu.cpl) throw new Fault(GP, selectorError(sel));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(sel));
  if (cpu.longMode && descL(hi) && descDb(hi)) throw new Fault(GP, selectorError(sel));
}

/** The call-gate fields: target selector, offset (64-bit in IA-32e mode), parameter count. */
interface Gate { sel: number; offLo: number; offHi: number; params: number; size: 2 | 4 | 8 }

/**
 * Reads and checks a call gate (desc holds its first 8 bytes): gate DPL >= CPL and >= RPL, present; in
 * IA-32e mode it must be a 64-bit call gate (16 bytes, upper type field 0) (SDM Vol. 3A 5.8.3, 5.8.4).
 */
function readCallGate(cpu: Cpu, gateSel: number): Gate {
  const type = descType(desc.hi);
  if (cpu.longMode) {
    if (type !== DT_CALL_GATE) throw new Fault(GP, selectorError(gateSel));
    if (!readDescriptor(cpu, gateSel, true)) throw new Fault(GP, selectorError(gateSel));
    if (((desc.upper2 >>> 8) & 0x1F) !== 0) throw new Fault(GP, selectorError(gateSel));
  }
  const hi = desc.hi, lo = desc.lo;
  const dpl = descDpl(hi);
  if (dpl < cpu.cpl || dpl < (gateSel & 3)) throw new Fault(GP, selectorError(gateSel));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(gateSel));
  const size: 2 | 4 | 8 = cpu.longMode ? 8 : type === DT_CALL_GATE ? 4 : 2;
  const offLo = size === 2 ? lo & 0xFFFF : gateOffset(lo, hi);
  return { sel: gateSelector(lo), offLo, offHi: cpu.longMode ? desc.upper : 0, params: hi & 0x1F, size };
}

/** The target code segment of a call gate: non-null, code, DPL <= CPL, present, 64-bit in IA-32e mode. */
function readGateTarget(cpu: Cpu, g: Gate): void {
  if ((g.sel & 0xFFFC) === 0) throw new Fault(GP, 0);
  if (!readDescriptor(cpu, g.sel)) throw new Fault(GP, selectorError(g.sel));
  const hi = desc.hi;
  if (!isCodeDescriptor(hi) || descDpl(hi) > cpu.cpl) throw new Fault(GP, selectorError(g.sel));
  if (cpu.longMode && !is64Code(cpu, hi)) throw new Fault(GP, selectorError(g.sel));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(g.sel));
}

/** Reads the descriptor of a far-transfer selector, or #GP(0) for null and #GP(selector) beyond the table. */
function readFarDescriptor(cpu: Cpu, sel: number): void {
  if ((sel & 0xFFFC) === 0) throw new Fault(GP, 0);
  if (!readDescriptor(cpu, sel)) throw new Fault(GP, selectorError(sel));
}

/**
 * A far CALL/JMP to a TSS or task gate (descriptor in `desc`) is a task switch: in VMX non-root operation
 * outside IA-32e mode a VM exit after the checks of SDM 3C 26.4.2 (a task gate's DPL and P bit here, the
 * rest in vmx/task-switch.ts). Elsewhere the model does not switch tasks (the caller raises #GP). Returns
 * true when the VM exit happened.
 */
function taskSwitchTarget(cpu: Cpu, sel: number, source: number): boolean {
  const hi = desc.hi, type = descType(hi);
  const tss = type === DT_TSS_AVAIL || type === DT_TSS_BUSY || type === DT_TSS16_AVAIL || type === DT_TSS16_BUSY;
  if (descS(hi) || (!tss && type !== DT_TASK_GATE) || cpu.longMode || !inNonRoot(cpu)) return false;
  const length = ((cpu.nextLo - cpu.ripLo) | 0) & 0xF;
  if (tss) { farTransferTaskSwitch(cpu, sel, false, sel, source, length); return true; }
  const dpl = descDpl(hi);
  if (dpl < cpu.cpl || dpl < (sel & 3)) throw new Fault(GP, selectorError(sel));
  if (!descPresent(hi)) throw new Fault(NP, selectorError(sel));
  farTransferTaskSwitch(cpu, sel, true, gateSelector(desc.lo), source, length);
  return true;
}

/** Far JMP (SDM Vol. 2 JMP). */
export function farJump(cpu: Cpu, sel: number, offLo: number, offHi: number, size: number): void {
  cpu.cplCause = CplCause.FarTransfer; // for the privilege-level-exiting model extension (not in the SDM)
  if (!protectedMode(cpu) || v86Mode(cpu)) { realFarTarget(cpu, sel, offLo, size); return; }
  readFarDescriptor(cpu, sel);
  if (isCodeDescriptor(desc.hi)) {
    checkDirectCodeTarget(cpu, sel);
    const lo = size === 2 ? offLo & 0xFFFF : offLo, hi = size === 8 ? offHi : 0;
    if (!targetOffsetOk(is64Code(cpu, desc.hi), descLimit(desc.lo, desc.hi), lo, hi, cpu)) throw new Fault(GP, 0);
    const cHi = markAccessed(cpu, desc.addrLo, desc.addrHi, desc.hi);
    loadDescriptor(cpu, CS, (sel & 0xFFFC) | cpu.cpl, desc.lo, cHi);
    setFarRip(cpu, lo, hi);
    return;
  }
  if (taskSwitchTarget(cpu, sel, TASK_SWITCH_SOURCE.JMP)) return;
  const type = descType(desc.hi);
  if (descS(desc.hi) || (type !== DT_CALL_GATE && type !== DT_CALL_GATE16)) {
    // A TSS or task gate would switch tasks, which the model does not do outside VMX non-root operation.
    throw new Fault(GP, selectorError(sel));
  }
  const g = readCallGate(cpu, sel);
  readGateTarget(cpu, g);
  const hi = desc.hi;
  // JMP through a call gate cannot change privilege: conforming, or non-conforming with DPL = CPL.
  if (!isConforming(hi) && descDpl(hi) !== cpu.cpl) throw new Fault(GP, selectorError(g.sel));
  if (!targetOffsetOk(is64Code(cpu, hi), descLimit(desc.lo, hi), g.offLo, g.offHi, cpu)) throw new Fault(GP, 0);
  const cHi = markAccessed(cpu, desc.addrLo, desc.addrHi, hi);
  loadDescriptor(cpu, CS, (g.sel & 0xFFFC) | cpu.cpl, desc.lo, cHi);
  setFarRip(cpu, g.offLo, g.offHi);
}

const callStack = new NewStack();

/**
 * A far CALL on the current stack: CS, then the return (E/R)IP, written below RSP at `size` bytes each
 * (SDM Vol. 2 CALL); RSP moves by 2 * size only once the rest of the transfer cannot fault.
 */
function writeFarReturn(cpu: Cpu, size: 2 | 4 | 8, cs: number, retLo: number, retHi: number): void {
  stackWrite(cpu, -size, size, cs, 0);
  stackWrite(cpu, -2 * size, size, retLo, size === 8 ? retHi : 0);
}

/** Far CALL (SDM Vol. 2 CALL; Vol. 3A 5.8.5, 5.8.6 for call gates and the stack switch). */
export function farCall(cpu: Cpu, sel: number, offLo: number, offHi: number, size: 2 | 4 | 8): void {
  cpu.cplCause = CplCause.FarTransfer; // for the privilege-level-exiting model extension (not in the SDM)
  const retLo = cpu.nextLo, retHi = cpu.nextHi;
  const oldCs = cpu.segSel[CS]!;
  if (!protectedMode(cpu) || v86Mode(cpu)) {
    const ip = size === 2 ? offLo & 0xFFFF : offLo >>> 0;
    if (ip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
    writeFarReturn(cpu, size, oldCs, retLo, retHi);
    loadReal(cpu, CS, sel);
    adjustSp(cpu, -2 * size);
    setFarRip(cpu, ip, 0);
    return;
  }
  readFarDescriptor(cpu, sel);
  if (isCodeDescriptor(desc.hi)) {
    checkDirectCodeTarget(cpu, sel);
    const lo = size === 2 ? offLo & 0xFFFF : offLo, hi = size === 8 ? offHi : 0;
    if (!targetOffsetOk(is64Code(cpu, desc.hi), descLimit(desc.lo, desc.hi), lo, hi, cpu)) throw new Fault(GP, 0);
    writeFarReturn(cpu, size, oldCs, retLo, retHi);
    const cHi = markAccessed(cpu, desc.addrLo, desc.addrHi, desc.hi);
    adjustSp(cpu, -2 * size);
    loadDescriptor(cpu, CS, (sel & 0xFFFC) | cpu.cpl, desc.lo, cHi);
    setFarRip(cpu, lo, hi);
    return;
  }
  if (taskSwitchTarget(cpu, sel, TASK_SWITCH_SOURCE.CALL)) return;
  const type = descType(desc.hi);
  if (descS(desc.hi) || (type !== DT_CALL_GATE && type !== DT_CALL_GATE16)) throw new Fault(GP, selectorError(sel));
  const g = readCallGate(cpu, sel);
  readGateTarget(cpu, g);
  const cLo = desc.lo, cAddrLo = desc.addrLo, cAddrHi = desc.addrHi;
  let cHi = desc.hi;
  const dpl = descDpl(cHi);
  const long64 = is64Code(cpu, cHi);
  if (!targetOffsetOk(long64, descLimit(cLo, cHi), g.offLo, g.offHi, cpu)) throw new Fault(GP, 0);
  const gs = g.size;
  if (!isConforming(cHi) && dpl < cpu.cpl) {
    // More privilege: the stack for the new CPL comes from the TSS (5.8.5, 5.8.6).
    const oldSs = cpu.segSel[SS]!, oldSpLo = cpu.lo[4]!, oldSpHi = cpu.hi[4]!;
    let ssLo = 0, ssHi = 0, ssAddrLo = 0, ssAddrHi = 0, newSs = 0;
    if (cpu.longMode) {
      const spLo = readTss(cpu, 4 + 8 * dpl, 8, 0), spHi = cpu.vhi;
      if (!isCanonical(cpu, spLo, spHi)) throw new Fault(SS_, 0);
      callStack.flat(spLo, spHi, 0, true);
      newSs = dpl;
    } else {
      newSs = innerStack(cpu, dpl, 0, callStack);
      ssLo = desc.lo; ssHi = desc.hi; ssAddrLo = desc.addrLo; ssAddrHi = desc.addrHi;
    }
    callStack.push(cpu, gs, oldSs);
    callStack.push(cpu, gs, oldSpLo, oldSpHi);
    // Legacy call gates copy their parameter count of words or dwords from the caller's stack.
    if (!cpu.longMode) {
      for (let i = g.params - 1; i >= 0; i--) callStack.push(cpu, gs as 2 | 4, stackRead(cpu, i * gs, gs));
    }
    callStack.push(cpu, gs, oldCs);
    callStack.push(cpu, gs, retLo, retHi);
    cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
    if (cpu.longMode) loadNull(cpu, SS, newSs, dpl);
    else loadDescriptor(cpu, SS, newSs, ssLo, markAccessed(cpu, ssAddrLo, ssAddrHi, ssHi));
    callStack.commit(cpu);
    loadDescriptor(cpu, CS, (g.sel & 0xFFFC) | dpl, cLo, cHi);
    setFarRip(cpu, g.offLo, g.offHi);
    return;
  }
  // Same privilege through the gate: push CS and the return address at the gate's size.
  writeFarReturn(cpu, gs, oldCs, retLo, retHi);
  cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
  adjustSp(cpu, -2 * gs);
  loadDescriptor(cpu, CS, (g.sel & 0xFFFC) | cpu.cpl, cLo, cHi);
  setFarRip(cpu, g.offLo, g.offHi);
}

/** Far RET [imm16] (SDM Vol. 2 RET: far return to the same or an outer privilege level). */
export function farReturn(cpu: Cpu, size: 2 | 4 | 8, imm: number): void {
  cpu.cplCause = CplCause.FarTransfer; // for the privilege-level-exiting model extension (not in the SDM)
  const ipLo = stackRead(cpu, 0, size), ipHi = size === 8 ? cpu.vhi : 0;
  const sel = stackRead(cpu, size, size) & 0xFFFF;
  if (!protectedMode(cpu) || v86Mode(cpu)) {
    const ip = size === 2 ? ipLo & 0xFFFF : ipLo >>> 0;
    if (ip > cpu.segLimit[CS]!) throw new Fault(GP, 0);
    loadReal(cpu, CS, sel);
    adjustSp(cpu, 2 * size + imm);
    setFarRip(cpu, ip, 0);
    return;
  }
  checkReturnCodeSegment(cpu, sel);
  const cLo = desc.lo, cAddrLo = desc.addrLo, cAddrHi = desc.addrHi;
  let cHi = desc.hi;
  const rpl = sel & 3;
  const long64 = is64Code(cpu, cHi);
  const lo = size === 2 ? ipLo & 0xFFFF : ipLo, hi = ipHi;
  if (!targetOffsetOk(long64, descLimit(cLo, cHi), lo, hi, cpu)) throw new Fault(GP, 0);
  if (rpl === cpu.cpl) {
    cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
    adjustSp(cpu, 2 * size + imm);
    loadDescriptor(cpu, CS, sel, cLo, cHi);
    setFarRip(cpu, lo, hi);
    return;
  }
  // Return to an outer privilege level: SS:RSP follow the return address (after imm16 bytes of parameters).
  const spLo = stackRead(cpu, 2 * size + imm, size), spHi = size === 8 ? cpu.vhi : 0;
  const ssSel = stackRead(cpu, 3 * size + imm, size) & 0xFFFF;
  const ssNull = checkReturnStackSegment(cpu, ssSel, rpl, long64);
  const ssLo = desc.lo, ssHi = desc.hi, ssAddrLo = desc.addrLo, ssAddrHi = desc.addrHi;
  cHi = markAccessed(cpu, cAddrLo, cAddrHi, cHi);
  loadDescriptor(cpu, CS, sel, cLo, cHi);
  if (ssNull) loadNull(cpu, SS, ssSel, rpl);
  else loadDescriptor(cpu, SS, ssSel, ssLo, markAccessed(cpu, ssAddrLo, ssAddrHi, ssHi));
  cpu.lo[4] = spLo; cpu.hi[4] = size === 8 ? spHi : cpu.hi[4]!;
  adjustSp(cpu, imm);
  nullInaccessibleSegments(cpu, rpl);
  setFarRip(cpu, lo, hi);
}

/** Direct far pointer operand (ptr16:16, ptr16:32), or a memory far pointer m16:16/32/64. */
function farOperand(v: InstrView, size: 2 | 4 | 8): ((cpu: Cpu) => number) | undefined {
  if (v.opKinds[0] === OpKind.FarBranch16 || v.opKinds[0] === OpKind.FarBranch32) {
    const sel = v.farSelector, offset = v.farOffset | 0;
    return (cpu) => { cpu.vhi = 0; farSel = sel; return offset; };
  }
  if (v.opKinds[0] !== OpKind.Memory) return undefined;
  const ea = compileEa(v), seg = memSegment(v), as = v.addressSize / 8;
  return (cpu) => {
    ea(cpu);
    const lo = readSized(cpu, seg, cpu.eaLo, cpu.eaHi, size), hi = size === 8 ? cpu.vhi : 0;
    offsetAdd(as, cpu.eaLo, cpu.eaHi, size);
    farSel = readSized(cpu, seg, off.lo, off.hi, 2) & 0xFFFF;
    cpu.vhi = hi;
    return lo;
  };
}
let farSel = 0;

function farSizeOf(code: Code): 2 | 4 | 8 | 0 {
  switch (code) {
    case Code.Jmp_ptr1616: case Code.Jmp_m1616: case Code.Call_ptr1616: case Code.Call_m1616: return 2;
    case Code.Jmp_ptr1632: case Code.Jmp_m1632: case Code.Call_ptr1632: case Code.Call_m1632: return 4;
    case Code.Jmp_m1664: case Code.Call_m1664: return 8;
    default: return 0;
  }
}

registerBuilder(Mnemonic.Jmp, (v): Exec | undefined => {
  const size = farSizeOf(v.code);
  if (size === 0) return undefined;
  const target = farOperand(v, size);
  if (!target) return undefined;
  return (cpu) => { const lo = target(cpu); farJump(cpu, farSel, lo, cpu.vhi, size); };
});

registerBuilder(Mnemonic.Call, (v): Exec | undefined => {
  const size = farSizeOf(v.code);
  if (size === 0) return undefined;
  const target = farOperand(v, size);
  if (!target) return undefined;
  return (cpu) => { const lo = target(cpu); farCall(cpu, farSel, lo, cpu.vhi, size); };
});

registerBuilder(Mnemonic.Retf, (v): Exec | undefined => {
  const name = Code[v.code] ?? '';
  const size: 2 | 4 | 8 = name.startsWith('Retfw') ? 2 : name.startsWith('Retfq') ? 8 : 4;
  const imm = name.endsWith('imm16') ? Number(v.imms[0]! & 0xFFFFn) : 0;
  return (cpu) => farReturn(cpu, size, imm);
});

// ---- descriptor-table registers (SDM Vol. 2 LGDT/LIDT, SGDT/SIDT, LLDT, LTR, SLDT, STR; Vol. 3A 2.4)

function tableLoad(idt: boolean) {
  return (v: InstrView): Exec | undefined => {
    if (v.opKinds[0] !== OpKind.Memory) return undefined;
    const ea = compileEa(v), seg = memSegment(v), as = v.addressSize / 8;
    const o16 = v.code === Code.Lgdt_m1632_16 || v.code === Code.Lidt_m1632_16;
    const identity = idt ? DESCRIPTOR_IDENTITY.LIDT : DESCRIPTOR_IDENTITY.LGDT;
    return (cpu) => {
      requireCpl0(cpu);
      if (inNonRoot(cpu) && descriptorTableExit(cpu, v, false, identity, undefined, !o16)) return;
      ea(cpu);
      const limit = readSized(cpu, seg, cpu.eaLo, cpu.eaHi, 2);
      offsetAdd(as, cpu.eaLo, cpu.eaHi, 2);
      let baseLo: number, baseHi = 0;
      if (cpu.bitness === 64) { baseLo = readSized(cpu, seg, off.lo, off.hi, 8); baseHi = cpu.vhi; }
      else baseLo = readSized(cpu, seg, off.lo, off.hi, 4) & (o16 ? 0xFF_FFFF : -1); // 16-bit operand: 24-bit base
      if (idt) { cpu.idtrBaseLo = baseLo; cpu.idtrBaseHi = baseHi; cpu.idtrLimit = limit; }
      else { cpu.gdtrBaseLo = baseLo; cpu.gdtrBaseHi = baseHi; cpu.gdtrLimit = limit; }
    };
  };
}
registerBuilder(Mnemonic.Lgdt, tableLoad(false));
registerBuilder(Mnemonic.Lidt, tableLoad(true));

function tableStore(idt: boolean) {
  return (v: InstrView): Exec | undefined => {
    if (v.opKinds[0] !== OpKind.Memory) return undefined;
    const ea = compileEa(v), seg = memSegment(v), as = v.addressSize / 8;
    const identity = idt ? DESCRIPTOR_IDENTITY.SIDT : DESCRIPTOR_IDENTITY.SGDT;
    const o32 = !(Code[v.code] ?? '').endsWith('_16');
    return (cpu) => {
      umipCheck(cpu);
      if (inNonRoot(cpu) && descriptorTableExit(cpu, v, false, identity, undefined, o32)) return;
      ea(cpu);
      const limit = idt ? cpu.idtrLimit : cpu.gdtrLimit;
      const lo = idt ? cpu.idtrBaseLo : cpu.gdtrBaseLo, hi = idt ? cpu.idtrBaseHi : cpu.gdtrBaseHi;
      const eaLo = cpu.eaLo, eaHi = cpu.eaHi;
      offsetAdd(as, eaLo, eaHi, 2);
      // Store the base first-checked: both parts are written only once both are known writable.
      if (cpu.bitness === 64) writeSized(cpu, seg, off.lo, off.hi, 8, lo, hi);
      else writeSized(cpu, seg, off.lo, off.hi, 4, lo, 0);
      writeSized(cpu, seg, eaLo, eaHi, 2, limit, 0);
    };
  };
}
registerBuilder(Mnemonic.Sgdt, tableStore(false));
registerBuilder(Mnemonic.Sidt, tableStore(true));

/** True when a 16-byte system descriptor's base (bits 63:0) is canonical. */
function wideBaseCanonical(cpu: Cpu): boolean {
  return isCanonical(cpu, descBase(desc.lo, desc.hi), desc.upper);
}

/** LLDT (SDM Vol. 2 LLDT): a null selector makes LDTR unusable. */
export function loadLdtr(cpu: Cpu, sel: number): void {
  if ((sel & 0xFFFC) === 0) { cpu.loadSegmentRaw(LDTR, sel, 0, 0, 0, AR_UNUSABLE); return; }
  if ((sel & 4) !== 0) throw new Fault(GP, selectorError(sel));
  const wide = cpu.longMode;
  if (!readDescriptor(cpu, sel, wide)) throw new Fault(GP, selectorError(sel));
  if (descS(desc.hi) || descType(desc.hi) !== DT_LDT) throw new Fault(GP, selectorError(sel));
  if (wide && (((desc.upper2 >>> 8) & 0x1F) !== 0 || !wideBaseCanonical(cpu))) throw new Fault(GP, selectorError(sel));
  if (!descPresent(desc.hi)) throw new Fault(NP, selectorError(sel));
  loadDescriptor(cpu, LDTR, sel, desc.lo, desc.hi, wide ? desc.upper : 0);
}

/** LTR (SDM Vol. 2 LTR): an available TSS (only a 64-bit one in IA-32e mode) becomes busy and current. */
export function loadTr(cpu: Cpu, sel: number): void {
  if ((sel & 0xFFFC) === 0) throw new Fault(GP, 0);
  if ((sel & 4) !== 0) throw new Fault(GP, selectorError(sel));
  const wide = cpu.longMode;
  if (!readDescriptor(cpu, sel, wide)) throw new Fault(GP, selectorError(sel));
  const type = descType(desc.hi);
  const ok = !descS(desc.hi) && (type === DT_TSS_AVAIL || (!wide && type === DT_TSS16_AVAIL));
  if (!ok) throw new Fault(GP, selectorError(sel));
  if (wide && (((desc.upper2 >>> 8) & 0x1F) !== 0 || !wideBaseCanonical(cpu))) throw new Fault(GP, selectorError(sel));
  if (!descPresent(desc.hi)) throw new Fault(NP, selectorError(sel));
  setBusy(cpu);
  loadDescriptor(cpu, TR, sel, desc.lo, desc.hi, wide ? desc.upper : 0);
}

/** The GPR of a register operand (for the instruction-information field), or undefined for memory. */
function registerOf(v: InstrView, i: number): number | undefined {
  return v.opKinds[i] === OpKind.Register ? gprOf(v, i) : undefined;
}

registerBuilder(Mnemonic.Lldt, (v): Exec | undefined => {
  const src = selectorSource(v, 0);
  if (!src) return undefined;
  const reg = registerOf(v, 0);
  return (cpu) => {
    requireProtectedNonV86(cpu); requireCpl0(cpu);
    if (inNonRoot(cpu) && descriptorTableExit(cpu, v, true, DESCRIPTOR_IDENTITY.LLDT, reg)) return;
    loadLdtr(cpu, src(cpu));
  };
});

registerBuilder(Mnemonic.Ltr, (v): Exec | undefined => {
  const src = selectorSource(v, 0);
  if (!src) return undefined;
  const reg = registerOf(v, 0);
  return (cpu) => {
    requireProtectedNonV86(cpu); requireCpl0(cpu);
    if (inNonRoot(cpu) && descriptorTableExit(cpu, v, true, DESCRIPTOR_IDENTITY.LTR, reg)) return;
    loadTr(cpu, src(cpu));
  };
});

function selectorStore(seg: number) {
  return (v: InstrView): Exec | undefined => {
    const name = Code[v.code] ?? '';
    const store = wordStore(v, 0, name.includes('r64') ? 8 : 4);
    if (!store) return undefined;
    const reg = registerOf(v, 0);
    const identity = seg === TR ? DESCRIPTOR_IDENTITY.STR : DESCRIPTOR_IDENTITY.SLDT;
    return (cpu) => {
      requireProtectedNonV86(cpu); umipCheck(cpu);
      if (inNonRoot(cpu) && descriptorTableExit(cpu, v, true, identity, reg)) return;
      store(cpu, cpu.segSel[seg]!);
    };
  };
}
registerBuilder(Mnemonic.Sldt, selectorStore(LDTR));
registerBuilder(Mnemonic.Str, selectorStore(TR));

// ---- LAR, LSL, VERR, VERW (SDM Vol. 2): ZF says whether the selector passed

/**
 * Reads the descriptor for LAR/LSL/VERR/VERW and applies the privilege rule they share: data, system
 * and non-conforming code descriptors need DPL >= CPL and DPL >= RPL. Returns false to clear ZF.
 */
function probeDescriptor(cpu: Cpu, sel: number): boolean {
  if ((sel & 0xFFFC) === 0 || !readDescriptor(cpu, sel)) return false;
  const hi = desc.hi;
  if (isCodeDescriptor(hi) && isConforming(hi)) return true;
  const dpl = descDpl(hi);
  return dpl >= cpu.cpl && dpl >= (sel & 3);
}

/** System-descriptor types LAR and LSL accept (Vol. 2 LAR, LSL tables; IA-32e mode has fewer). */
function systemTypeOk(cpu: Cpu, type: number, lar: boolean): boolean {
  if (cpu.longMode) return type === DT_LDT || type === DT_TSS_AVAIL || type === DT_TSS_BUSY || (lar && type === DT_CALL_GATE);
  const common = type === DT_TSS16_AVAIL || type === DT_LDT || type === DT_TSS16_BUSY || type === DT_TSS_AVAIL || type === DT_TSS_BUSY;
  return common || (lar && (type === DT_CALL_GATE16 || type === DT_TASK_GATE || type === DT_CALL_GATE));
}

function larLsl(lar: boolean) {
  return (v: InstrView): Exec | undefined => {
    const d = gprOf(v, 0);
    const src = selectorSource(v, 1);
    if (d < 0 || !src) return undefined;
    const size = regInfo(v.opRegs[0]!).size as 2 | 4 | 8;
    // A 64-bit destination receives the 32-bit value zero-extended.
    const dst = gprOperand(d, size === 8 ? 4 : size);
    return (cpu) => {
      requireProtectedNonV86(cpu);
      const sel = src(cpu);
      let ok = probeDescriptor(cpu, sel);
      if (ok && !descS(desc.hi)) ok = systemTypeOk(cpu, descType(desc.hi), lar);
      setFlag(cpu, ZF, ok);
      if (!ok) return;
      // LAR: the access-rights bytes (second dword AND 00FxFF00H); LSL: the byte-granular limit.
      const value = lar ? desc.hi & (size === 2 ? 0xFF00 : 0x00FF_FF00) : descLimit(desc.lo, desc.hi) | 0;
      dst.write(cpu, size === 2 ? value & 0xFFFF : value, 0);
    };
  };
}
registerBuilder(Mnemonic.Lar, larLsl(true));
registerBuilder(Mnemonic.Lsl, larLsl(false));

function verify(write: boolean) {
  return (v: InstrView): Exec | undefined => {
    const src = selectorSource(v, 0);
    if (!src) return undefined;
    return (cpu) => {
      requireProtectedNonV86(cpu);
      const sel = src(cpu);
      let ok = probeDescriptor(cpu, sel) && descS(desc.hi);
      if (ok) ok = write ? isWritableData(desc.hi) : isReadable(desc.hi);
      setFlag(cpu, ZF, ok);
    };
  };
}
registerBuilder(Mnemonic.Verr, verify(false));
registerBuilder(Mnemonic.Verw, verify(true));

// ---- CLTS, LMSW, SMSW (SDM Vol. 2)

// In VMX non-root operation CLTS and LMSW follow the CR0 guest/host mask and read shadow (SDM 26.1.3, 26.3).
registerBuilder(Mnemonic.Clts, (v) => (cpu) => {
  requireCpl0(cpu);
  if (inNonRoot(cpu) && cltsExit(cpu, v.length) !== 'run') return;
  cpu.cr0 &= ~CR0_TS;
});

registerBuilder(Mnemonic.Lmsw, (v): Exec | undefined => {
  const src = selectorSource(v, 0);
  if (!src) return undefined;
  const memory = v.opKinds[0] === OpKind.Memory, seg = memSegment(v);
  // LMSW loads CR0 bits 3:0 (PE, MP, EM, TS); it can set PE but never clear it.
  return (cpu) => {
    requireCpl0(cpu);
    let w = src(cpu);
    if (inNonRoot(cpu)) {
      let linear: bigint | undefined;
      if (memory) { linearOfOperand(cpu, seg); linear = (BigInt(linHi >>> 0) << 32n) | BigInt(linLo >>> 0); }
      const load = lmswExit(cpu, v.length, w, linear);
      if (load === undefined) return;
      w = load;
    }
    writeCr0(cpu, (cpu.cr0 & ~0xE) | (w & 0xF) | (cpu.cr0 & CR0_PE));
  };
});

registerBuilder(Mnemonic.Smsw, (v): Exec | undefined => {
  const name = Code[v.code] ?? '';
  const store = wordStore(v, 0, name.includes('r64') ? 8 : 4);
  if (!store) return undefined;
  const reg = v.opKinds[0] === OpKind.Register ? regInfo(v.opRegs[0]!) : undefined;
  const wide = reg !== undefined && reg.size > 2 ? gprOperand(gprOf(v, 0), reg.size) : undefined;
  // To a 32- or 64-bit register SMSW stores all of CR0's low 32 bits; to memory, bits 15:0.
  return (cpu) => {
    umipCheck(cpu);
    if (wide) wide.write(cpu, cpu.cr0, 0);
    else store(cpu, cpu.cr0 & 0xFFFF);
  };
});

// ---- TLB management: INVLPG, INVPCID (SDM Vol. 2; Vol. 3A 4.10.4.1)

/** The linear address of a memory operand (no limit check: INVLPG makes no access). */
function linearOfOperand(cpu: Cpu, seg: number): void {
  if (cpu.bitness === 64) {
    if (seg >= FS) {
      const lo = (cpu.segBaseLo[seg]! + cpu.eaLo) | 0;
      const carry = (lo >>> 0) < (cpu.eaLo >>> 0) ? 1 : 0;
      linLo = lo; linHi = (cpu.segBaseHi[seg]! + cpu.eaHi + carry) | 0;
    } else { linLo = cpu.eaLo; linHi = cpu.eaHi; }
    return;
  }
  linLo = (cpu.segBaseLo[seg]! + cpu.eaLo) | 0; linHi = 0;
}
let linLo = 0, linHi = 0;

registerBuilder(Mnemonic.Invlpg, (v): Exec | undefined => {
  if (v.opKinds[0] !== OpKind.Memory) return undefined;
  const ea = compileEa(v), seg = memSegment(v);
  return (cpu) => {
    requireCpl0(cpu);
    ea(cpu);
    linearOfOperand(cpu, seg);
    // "INVLPG exiting": the exit qualification is the operand's linear address (SDM 26.1.3, 28.2.1).
    if (inNonRoot(cpu) && procControl(cpu, PROC_CTLS.INVLPG_EXITING)) {
      const lin = (BigInt(linHi >>> 0) << 32n) | BigInt(linLo >>> 0);
      instructionExit(cpu, EXIT_REASON.INVLPG, v.length, { qualification: lin });
      return;
    }
    // A non-canonical address makes INVLPG a no-op (SDM Vol. 2 INVLPG).
    if (cpu.bitness === 64 && !isCanonical(cpu, linLo, linHi)) return;
    tlbFlushPage(cpu, linLo, linHi);
  };
});

registerBuilder(Mnemonic.Invpcid, (v): Exec | undefined => {
  const r = gprOf(v, 0);
  if (r < 0 || v.opKinds[1] !== OpKind.Memory) return undefined;
  const wide = v.code === Code.Invpcid_r64_m128;
  const ea = compileEa(v), seg = memSegment(v), as = v.addressSize / 8;
  return (cpu) => {
    // VMX non-root operation: #UD unless "enable INVPCID" (SDM 26.3); after the CPL check, an exit with
    // it and "INVLPG exiting" both 1 (26.1.3), before the type and descriptor checks.
    const guest = inNonRoot(cpu);
    if (guest && !proc2Control(cpu, PROC2_CTLS.ENABLE_INVPCID)) throw new Fault(UD);
    requireCpl0(cpu);
    if (guest && invpcidExit(cpu, v, r)) return;
    const typeHi = wide ? cpu.hi[r]! : 0, type = cpu.lo[r]! >>> 0;
    if (typeHi !== 0 || type > 3) throw new Fault(GP, 0);
    ea(cpu);
    const d0 = readSized(cpu, seg, cpu.eaLo, cpu.eaHi, 8), d0hi = cpu.vhi;
    offsetAdd(as, cpu.eaLo, cpu.eaHi, 8);
    const aLo = readSized(cpu, seg, off.lo, off.hi, 8), aHi = cpu.vhi;
    // Descriptor bits 63:12 are reserved (SDM Vol. 2 INVPCID).
    if ((d0 & ~0xFFF) !== 0 || d0hi !== 0) throw new Fault(GP, 0);
    const pcid = d0 & 0xFFF;
    const pcide = (cpu.cr4 & CR4_PCIDE) !== 0;
    switch (type) {
      case 0: // individual address
        if (!isCanonical(cpu, aLo, aHi)) throw new Fault(GP, 0);
        if (!pcide && pcid !== 0) throw new Fault(GP, 0);
        tlbFlushAddressPcid(cpu, aLo, aHi, pcid);
        return;
      case 1: // single context
        if (!pcide && pcid !== 0) throw new Fault(GP, 0);
        tlbFlushPcid(cpu, pcid);
        return;
      case 2: tlbFlushAll(cpu); return; // all contexts, global translations included
      default: tlbFlushNonGlobal(cpu); // all contexts except global translations
    }
  };
});

// ---- SWAPGS, RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE (SDM Vol. 2)

function msrValue(cpu: Cpu, index: number): bigint {
  return cpu.msr.values.get(index) ?? 0n;
}

registerBuilder(Mnemonic.Swapgs, () => (cpu) => {
  if (cpu.bitness !== 64) throw new Fault(UD);
  requireCpl0(cpu);
  const k = msrValue(cpu, IA32_KERNEL_GS_BASE);
  cpu.msr.values.set(IA32_KERNEL_GS_BASE, (BigInt(cpu.segBaseHi[GS]! >>> 0) << 32n) | BigInt(cpu.segBaseLo[GS]! >>> 0));
  cpu.segBaseLo[GS] = Number(k & 0xFFFF_FFFFn) | 0;
  cpu.segBaseHi[GS] = Number(k >> 32n) | 0;
});

function fsgsBase(seg: number, write: boolean) {
  return (v: InstrView): Exec | undefined => {
    const r = gprOf(v, 0);
    if (r < 0) return undefined;
    const size = regInfo(v.opRegs[0]!).size;
    const dst = gprOperand(r, size);
    return (cpu) => {
      if (cpu.bitness !== 64 || (cpu.cr4 & CR4_FSGSBASE) === 0) throw new Fault(UD);
      if (!write) { dst.write(cpu, cpu.segBaseLo[seg]!, cpu.segBaseHi[seg]!); return; }
      const lo = cpu.lo[r]!, hi = size === 8 ? cpu.hi[r]! : 0;
      if (!isCanonical(cpu, lo, hi)) throw new Fault(GP, 0);
      cpu.segBaseLo[seg] = lo; cpu.segBaseHi[seg] = hi;
    };
  };
}
registerBuilder(Mnemonic.Rdfsbase, fsgsBase(FS, false));
registerBuilder(Mnemonic.Rdgsbase, fsgsBase(GS, false));
registerBuilder(Mnemonic.Wrfsbase, fsgsBase(FS, true));
registerBuilder(Mnemonic.Wrgsbase, fsgsBase(GS, true));

// ---- SYSCALL/SYSRET (SDM Vol. 2; IA32_STAR, IA32_LSTAR, IA32_FMASK) and SYSENTER/SYSEXIT

/** Flat 4-GByte segments as the fast system-call instructions load them (access rights in VMCS format). */
const AR_CODE64_DPL0 = 0xA09B, AR_CODE32_DPL0 = 0xC09B, AR_DATA_DPL0 = 0xC093;
const AR_CODE64_DPL3 = 0xA0FB, AR_CODE32_DPL3 = 0xC0FB, AR_DATA_DPL3 = 0xC0F3;

registerBuilder(Mnemonic.Syscall, () => (cpu) => {
  // #UD unless in 64-bit mode with IA32_EFER.SCE = 1.
  if (cpu.bitness !== 64 || (cpu.efer & EFER_SCE) === 0) throw new Fault(UD);
  cpu.cplCause = CplCause.Syscall; // for the privilege-level-exiting model extension (not in the SDM)
  const star = msrValue(cpu, IA32_STAR), lstar = msrValue(cpu, IA32_LSTAR), fmask = Number(msrValue(cpu, IA32_FMASK) & 0xFFFF_FFFFn);
  const sel = Number((star >> 32n) & 0xFFFFn);
  cpu.lo[1] = cpu.nextLo; cpu.hi[1] = cpu.nextHi; // RCX <- RIP of the next instruction
  cpu.lo[11] = readFlags(cpu); cpu.hi[11] = 0; // R11 <- RFLAGS
  writeFlags(cpu, 0, (fmask | RF) >>> 0); // RFLAGS <- RFLAGS AND NOT IA32_FMASK (RF is cleared too)
  // CS <- IA32_STAR[47:32] AND FFFCH, SS <- IA32_STAR[47:32] + 8, flat, DPL 0.
  cpu.loadSegmentRaw(CS, sel & 0xFFFC, 0, 0, 0xFFFF_FFFF, AR_CODE64_DPL0);
  cpu.loadSegmentRaw(SS, (sel + 8) & 0xFFFF, 0, 0, 0xFFFF_FFFF, AR_DATA_DPL0);
  invalidateFetch(cpu);
  setFarRip(cpu, Number(lstar & 0xFFFF_FFFFn) | 0, Number(lstar >> 32n) | 0);
  cpu.eventCheck = true;
});

registerBuilder([Mnemonic.Sysret, Mnemonic.Sysretq], (v): Exec | undefined => {
  const to64 = v.code === Code.Sysretq;
  return (cpu) => {
    if (cpu.bitness !== 64 || (cpu.efer & EFER_SCE) === 0) throw new Fault(UD);
    requireCpl0(cpu);
    cpu.cplCause = CplCause.Sysret; // for the privilege-level-exiting model extension (not in the SDM)
    const rcxLo = cpu.lo[1]!, rcxHi = cpu.hi[1]!;
    if (to64 && !isCanonical(cpu, rcxLo, rcxHi)) throw new Fault(GP, 0);
    const base = Number((msrValue(cpu, IA32_STAR) >> 48n) & 0xFFFFn);
    // RFLAGS <- (R11 & 3C7FD7H) | 2: VM, RF and the reserved bits are cleared.
    writeFlags(cpu, cpu.lo[11]! & 0x3C_7FD7, 0xFFFF_FFFF);
    if (to64) cpu.loadSegmentRaw(CS, ((base + 16) | 3) & 0xFFFF, 0, 0, 0xFFFF_FFFF, AR_CODE64_DPL3);
    else cpu.loadSegmentRaw(CS, base | 3, 0, 0, 0xFFFF_FFFF, AR_CODE32_DPL3);
    cpu.loadSegmentRaw(SS, ((base + 8) | 3) & 0xFFFF, 0, 0, 0xFFFF_FFFF, AR_DATA_DPL3);
    invalidateFetch(cpu);
    setFarRip(cpu, rcxLo, to64 ? rcxHi : 0);
    cpu.eventCheck = true;
  };
});

registerBuilder(Mnemonic.Sysenter, () => (cpu) => {
  cpu.cplCause = CplCause.Sysenter; // for the privilege-level-exiting model extension (not in the SDM)
  const csSel = Number(msrValue(cpu, IA32_SYSENTER_CS) & 0xFFFFn);
  if (!protectedMode(cpu) || (csSel & 0xFFFC) === 0) throw new Fault(GP, 0);
  const esp = msrValue(cpu, IA32_SYSENTER_ESP), eip = msrValue(cpu, IA32_SYSENTER_EIP);
  writeFlags(cpu, 0, VM | IF | RF);
  const long = (cpu.efer & EFER_LMA) !== 0;
  cpu.loadSegmentRaw(CS, csSel & 0xFFFC, 0, 0, 0xFFFF_FFFF, long ? AR_CODE64_DPL0 : AR_CODE32_DPL0);
  cpu.loadSegmentRaw(SS, (csSel + 8) & 0xFFFC, 0, 0, 0xFFFF_FFFF, AR_DATA_DPL0);
  cpu.updateMode();
  invalidateFetch(cpu);
  if (long) {
    cpu.lo[4] = Number(esp & 0xFFFF_FFFFn) | 0; cpu.hi[4] = Number(esp >> 32n) | 0;
    setFarRip(cpu, Number(eip & 0xFFFF_FFFFn) | 0, Number(eip >> 32n) | 0);
  } else {
    cpu.lo[4] = Number(esp & 0xFFFF_FFFFn) | 0;
    setFarRip(cpu, Number(eip & 0xFFFF_FFFFn) | 0, 0);
  }
});

registerBuilder([Mnemonic.Sysexit, Mnemonic.Sysexitq], (v): Exec | undefined => {
  const to64 = v.code === Code.Sysexitq;
  return (cpu) => {
    const csSel = Number(msrValue(cpu, IA32_SYSENTER_CS) & 0xFFFFn);
    if (!protectedMode(cpu) || v86Mode(cpu) || (csSel & 0xFFFC) === 0) throw new Fault(GP, 0);
    requireCpl0(cpu);
    cpu.cplCause = CplCause.Sysexit; // for the privilege-level-exiting model extension (not in the SDM)
    if (to64 && (!isCanonical(cpu, cpu.lo[2]!, cpu.hi[2]!) || !isCanonical(cpu, cpu.lo[1]!, cpu.hi[1]!))) throw new Fault(GP, 0);
    const cs = ((csSel + (to64 ? 32 : 16)) | 3) & 0xFFFF;
    cpu.loadSegmentRaw(CS, cs, 0, 0, 0xFFFF_FFFF, to64 ? AR_CODE64_DPL3 : AR_CODE32_DPL3);
    cpu.loadSegmentRaw(SS, (cs + 8) & 0xFFFF, 0, 0, 0xFFFF_FFFF, AR_DATA_DPL3);
    invalidateFetch(cpu);
    if (to64) {
      cpu.lo[4] = cpu.lo[1]!; cpu.hi[4] = cpu.hi[1]!;
      setFarRip(cpu, cpu.lo[2]!, cpu.hi[2]!);
    } else {
      cpu.lo[4] = cpu.lo[1]!; cpu.hi[4] = 0;
      setFarRip(cpu, cpu.lo[2]!, 0);
    }
  };
});

