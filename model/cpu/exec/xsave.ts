// The XSAVE feature set's save and restore instructions: XSAVE, XRSTOR (standard form only) and the
// supervisor XSAVES, XRSTORS (compacted form), with IA32_XSS (SDM Vol. 2 XSAVE, XRSTOR, XSAVES, XRSTORS;
// Vol. 1 ch. 13), and XSAVES/XRSTORS in VMX non-root operation (SDM 25.6.21, 26.1.3, 26.3).
//
// State components vmxsim holds (bit i of XCR0 / IA32_XSS / XSTATE_BV is component i, Vol. 1 13.1):
//  - 0, x87: mandatory with XSAVE. The model executes no x87 instruction (CPUID.01H:EDX.FPU = 0), so x87
//    state is an opaque per-processor image of its legacy-region bytes 0-23 and 32-159 (Vol. 1 13.5.1):
//    at reset the power-up values of Vol. 3A Table 10-1 (FCW 0040H, FTW 5555H, whose abridged form in the
//    image is FFH, all else 0), which are not the init configuration of Vol. 1 13.6 (FCW 037FH, all else
//    0). XSAVE/XSAVES store the image, XRSTOR/XRSTORS load it or put the init configuration in it. The
//    image's bytes follow the REX.W-selected format of whichever instruction wrote them.
//  - 1, SSE: not held (the model has no SSE; CPUID.01H:EDX.SSE = 0), so XCR0[1] cannot be set.
//  - 10, PASID: supervisor component, IA32_PASID (8 bytes), when the profile lists both XSAVES and ENQCMD
//    (Vol. 1 13.5.8). Initial configuration: IA32_PASID = 0.
// XINUSE (Vol. 1 13.6): x87 is tracked: 1 at reset and after a load, 0 after XRSTOR(S) initialized it;
// PASID is in use exactly when IA32_PASID is not 0. No modified optimization (XSAVES always writes the
// in-use components it is asked for).
//
// CPUID (cpuid.ts) enumerates XSAVE once XSAVE and XRSTOR exist (this file), and XSAVES (0DH/1 EAX[3])
// only when the profile lists it. Faults, in order: #UD (no XSAVE, no XSAVES for the S forms, CR4.OSXSAVE
// = 0, in VMX non-root operation "enable XSAVES/XRSTORS" = 0 for the S forms), #NM (CR0.TS), #GP(0) for CPL
// > 0 (S forms); then the S forms' VM exit; then #GP(0) for an area not 64-byte aligned, memory faults and
// the XRSTOR(S) header checks (26.1.1: fault-like VM exits have priority over those).
// Unverified: 26.1.1 names only #UD, privilege-based faults and I/O-permission #GP as having priority over
// VM exits, so by its letter the exit would come before #NM; the model puts #NM first, as an x86 fault from
// decoding the instruction (Vol. 3A Table 6-2 lists "coprocessor not available" with invalid opcode), which
// is also the order Bochs uses. Bochs differs on the #UD for "enable XSAVES/XRSTORS" = 0: it comes after #NM
// and the CPL check there.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type InstrView, registerBuilder } from '../decode.js';
import { Fault, GP, NM, UD } from '../fault.js';
import { readSized, writeSized } from '../access.js';
import { onMsrReset } from '../msr.js';
import { compileEa } from '../operands.js';
import { CR0_TS, CR4_OSXSAVE } from '../control-registers.js';
import { memSegment, offsetAdd, off } from './helpers.js';
import { cpuidTable } from './cpuid.js';
import { IA32_PASID } from './enqcmd.js';
import { EXIT_REASON } from '../../generated/index.js';
import { layoutById, layoutField } from '../../arch/catalogue.js';
import { fieldMask } from '../../arch/decode.js';
import { PROC2_CTLS, displacementQualification, inNonRoot, instructionExit, memoryOperandInformation, proc2Control } from '../../vmx/exits.js';

/** IA32_XSS (SDM Vol. 2 XSAVES; Vol. 4 Table 2-2); its bits come from spec/data/layouts/msrs.json. */
export const IA32_XSS = 0xDA0;

const header = (id: string) => layoutById(id)!;
const XSTATE_BV = header('memory.xsave-header-xstate-bv'), XCOMP_BV = header('memory.xsave-header-xcomp-bv');
const bitOf = (layout: string, field: string): number => layoutField(layout, field).lsb;
/** State-component numbers (Vol. 1 13.1). */
export const X87 = bitOf(XSTATE_BV.id, 'x87'), PASID_COMPONENT = bitOf(XSTATE_BV.id, 'pasid');
const COMPACTED = 1n << BigInt(bitOf(XCOMP_BV.id, 'compacted'));
const XCOMP_COMPONENTS = fieldMask(layoutField(XCOMP_BV.id, 'components'));
/** Byte offsets in the area: XSTATE_BV, XCOMP_BV, the reserved header bytes, the extended region (Vol. 1 13.4). */
export const XSTATE_BV_AT = XSTATE_BV.byteOffset!, XCOMP_BV_AT = XCOMP_BV.byteOffset!;
const HEADER_BYTES = 64, RESERVED_AT = XCOMP_BV_AT + 8;
export const EXTENDED_AT = XSTATE_BV_AT + HEADER_BYTES;
/** Size in bytes of each extended component vmxsim holds (CPUID.(EAX=0DH,ECX=i):EAX). */
export const COMPONENT_SIZE: ReadonlyMap<number, number> = new Map([[PASID_COMPONENT, 8]]);
const AREA_ALIGN = 64;

/** x87 state's bytes in the legacy region: 0-23 and 32-159 (Vol. 1 13.4.1). */
const X87_RANGES: readonly (readonly [number, number])[] = [[0, 24], [32, 160]];
/** Init configuration of x87 state (Vol. 1 13.6): FCW 037FH, everything else 0 (abridged FTW 00H: all empty). */
const X87_INIT = new Uint8Array(160); X87_INIT[0] = 0x7F; X87_INIT[1] = 0x03;
/** Power-up x87 state (Vol. 3A Table 10-1): FCW 0040H, FTW 5555H (abridged FFH: all valid, all +0.0). */
const X87_RESET = new Uint8Array(160); X87_RESET[0] = 0x40; X87_RESET[4] = 0xFF;

interface X87State { readonly image: Uint8Array; inUse: boolean }
const x87States = new WeakMap<Cpu, X87State>();
/** The processor's x87 image (bytes 0-159 of the legacy region as XSAVE writes them). */
export function x87State(cpu: Cpu): X87State {
  let s = x87States.get(cpu);
  if (!s) { s = { image: X87_RESET.slice(), inUse: true }; x87States.set(cpu, s); }
  return s;
}

/** IA32_XSS bits the processor supports (CPUID.(EAX=0DH,ECX=1):EDX:ECX). */
export function supportedXss(cpu: Cpu): bigint {
  return BigInt(cpuidTable(cpu).xss);
}

onMsrReset((cpu, msrs) => {
  const s = x87State(cpu);
  s.image.set(X87_RESET); s.inUse = true;
  if (cpuidTable(cpu).features.has('XSAVES')) msrs.defineStorage(IA32_XSS, 0n, ~supportedXss(cpu) & 0xFFFF_FFFF_FFFF_FFFFn);
  else msrs.undefine(IA32_XSS);
});

const u64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** XINUSE restricted to the components vmxsim holds (Vol. 1 13.6). */
function xinuse(cpu: Cpu): bigint {
  let v = x87State(cpu).inUse ? 1n << BigInt(X87) : 0n;
  if ((cpu.msr.read(IA32_PASID) ?? 0n) !== 0n) v |= 1n << BigInt(PASID_COMPONENT);
  return v;
}

/** Memory access to the XSAVE area at (seg, base): 8-byte reads and writes at a byte offset. */
class Area {
  constructor(private readonly cpu: Cpu, private readonly seg: number, private readonly as: number,
    private readonly lo: number, private readonly hi: number) {}
  read64(at: number): bigint {
    offsetAdd(this.as, this.lo, this.hi, at);
    const l = readSized(this.cpu, this.seg, off.lo, off.hi, 4);
    offsetAdd(this.as, this.lo, this.hi, at + 4);
    return u64(l, readSized(this.cpu, this.seg, off.lo, off.hi, 4));
  }
  write64(at: number, v: bigint): void {
    offsetAdd(this.as, this.lo, this.hi, at);
    writeSized(this.cpu, this.seg, off.lo, off.hi, 8, Number(v & 0xFFFF_FFFFn) | 0, Number(v >> 32n) | 0);
  }
  readBytes(at: number, into: Uint8Array, from: number, to: number): void {
    for (let i = from; i < to; i++) { offsetAdd(this.as, this.lo, this.hi, at + i); into[i] = readSized(this.cpu, this.seg, off.lo, off.hi, 1); }
  }
  writeBytes(at: number, bytes: Uint8Array, from: number, to: number): void {
    for (let i = from; i < to; i++) { offsetAdd(this.as, this.lo, this.hi, at + i); writeSized(this.cpu, this.seg, off.lo, off.hi, 1, bytes[i]!, 0); }
  }
}

function saveX87(cpu: Cpu, area: Area): void {
  const { image } = x87State(cpu);
  for (const [from, to] of X87_RANGES) area.writeBytes(0, image, from, to);
}

function loadX87(cpu: Cpu, area: Area | undefined): void {
  const s = x87State(cpu);
  if (area === undefined) { s.image.set(X87_INIT); s.inUse = false; return; }
  for (const [from, to] of X87_RANGES) area.readBytes(0, s.image, from, to);
  s.inUse = true;
}

/**
 * The offset of each component of `xcompBv` in the compacted extended region (Vol. 1 13.4.3): they follow
 * each other from byte 576 in the order of their numbers (vmxsim's components need no 64-byte alignment).
 */
export function compactedOffsets(xcompBv: bigint): Map<number, number> {
  const out = new Map<number, number>();
  let at = EXTENDED_AT;
  for (const [i, size] of [...COMPONENT_SIZE].sort((a, b) => a[0] - b[0])) {
    if ((xcompBv & (1n << BigInt(i))) === 0n) continue;
    out.set(i, at);
    at += size;
  }
  return out;
}

/** XSAVE-area size in the compacted format for the components in `bitmap` (CPUID.(EAX=0DH,ECX=1):EBX). */
export function compactedSize(bitmap: bigint): number {
  let size = EXTENDED_AT;
  for (const [i, s] of COMPONENT_SIZE) if ((bitmap & (1n << BigInt(i))) !== 0n) size += s;
  return size;
}

type Kind = 'xsave' | 'xrstor' | 'xsaves' | 'xrstors';

function build(kind: Kind) {
  const supervisor = kind === 'xsaves' || kind === 'xrstors';
  const restore = kind === 'xrstor' || kind === 'xrstors';
  const reason = kind === 'xsaves' ? EXIT_REASON.XSAVES : EXIT_REASON.XRSTORS;
  return (v: InstrView) => {
    if (v.opKinds.length < 1) return undefined;
    const ea = compileEa(v);
    const seg = memSegment(v);
    const as = v.addressSize / 8;
    return (cpu: Cpu) => {
      const t = cpuidTable(cpu);
      if (!t.features.has('XSAVE') || (supervisor && !t.features.has('XSAVES'))) throw new Fault(UD);
      if ((cpu.cr4 & CR4_OSXSAVE) === 0) throw new Fault(UD);
      // 26.3: with "enable XSAVES/XRSTORS" 0, XSAVES and XRSTORS are #UD in VMX non-root operation.
      if (supervisor && inNonRoot(cpu) && !proc2Control(cpu, PROC2_CTLS.ENABLE_XSAVES_XRSTORS)) throw new Fault(UD);
      if ((cpu.cr0 & CR0_TS) !== 0) throw new Fault(NM);
      if (supervisor && cpu.cpl !== 0) throw new Fault(GP, 0);
      const mask = u64(cpu.lo[0]!, cpu.lo[2]!);
      const xss = supervisor ? cpu.msr.read(IA32_XSS) ?? 0n : 0n;
      // 26.1.3: exit when EDX:EAX AND IA32_XSS AND the XSS-exiting bitmap is not 0 (28.2.1 qualification:
      // the displacement; 28.2.5 instruction information: the memory operand).
      if (supervisor && inNonRoot(cpu) && (mask & xss & cpu.vmx!.current!.get('XSS_EXITING_BITMAP')) !== 0n) {
        instructionExit(cpu, reason, v.length, { qualification: displacementQualification(v), instructionInformation: memoryOperandInformation(v) });
        return;
      }
      ea(cpu);
      if (((cpu.segBaseLo[seg]! + cpu.eaLo) & (AREA_ALIGN - 1)) !== 0) throw new Fault(GP, 0);
      const area = new Area(cpu, seg, as, cpu.eaLo, cpu.eaHi);
      const enabled = BigInt(cpu.xcr0 >>> 0) | xss;
      const rfbm = mask & enabled;
      const x87 = 1n << BigInt(X87), pasid = 1n << BigInt(PASID_COMPONENT);
      if (!restore) {
        const inUse = xinuse(cpu) & rfbm;
        if (kind === 'xsave') {
          // Vol. 1 13.7: every requested component is written; XSTATE_BV[i] = XINUSE[i] for those.
          if ((rfbm & x87) !== 0n) saveX87(cpu, area);
          const old = area.read64(XSTATE_BV_AT);
          area.write64(XSTATE_BV_AT, (old & ~rfbm) | inUse);
          return;
        }
        // Vol. 1 13.11: only components in use are written; XSTATE_BV = XINUSE & RFBM, XCOMP_BV = RFBM | 2^63.
        if ((inUse & x87) !== 0n) saveX87(cpu, area);
        const at = compactedOffsets(rfbm);
        if ((inUse & pasid) !== 0n) area.write64(at.get(PASID_COMPONENT)!, cpu.msr.read(IA32_PASID) ?? 0n);
        area.write64(XSTATE_BV_AT, inUse);
        area.write64(XCOMP_BV_AT, rfbm | COMPACTED);
        return;
      }
      const xstateBv = area.read64(XSTATE_BV_AT), xcompBv = area.read64(XCOMP_BV_AT);
      let reservedZero = true;
      const reservedFrom = kind === 'xrstors' ? RESERVED_AT : XCOMP_BV_AT;
      const reservedTo = kind === 'xrstors' ? XSTATE_BV_AT + HEADER_BYTES : XCOMP_BV_AT + 16;
      for (let at = reservedFrom; at < reservedTo; at += 8) if (area.read64(at) !== 0n) reservedZero = false;
      if (kind === 'xrstor') {
        // Vol. 1 13.8 (no XSAVEC, so only the standard form): #GP if XSTATE_BV sets a bit not in XCR0 or
        // bytes 23:8 of the header (XCOMP_BV included) are not 0.
        if ((xstateBv & ~enabled) !== 0n || !reservedZero) throw new Fault(GP, 0);
      } else {
        // Vol. 1 13.12: #GP if XCOMP_BV[63] = 0, XCOMP_BV[62:0] sets a bit not in XCR0 | IA32_XSS, XSTATE_BV
        // sets a bit not in XCOMP_BV[62:0] (bit 63 included), or header bytes 63:16 are not 0.
        if ((xcompBv & COMPACTED) === 0n || (xcompBv & XCOMP_COMPONENTS & ~enabled) !== 0n
          || (xstateBv & ~(xcompBv & XCOMP_COMPONENTS)) !== 0n || !reservedZero) throw new Fault(GP, 0);
      }
      const offsets = compactedOffsets(xcompBv);
      let pasidValue: bigint | undefined;
      if ((rfbm & pasid) !== 0n) {
        pasidValue = (xstateBv & pasid) !== 0n ? area.read64(offsets.get(PASID_COMPONENT)!) : 0n;
        // IA32_PASID's reserved bits: a value WRMSR would refuse is #GP(0), before any state changes.
        if (!cpu.msr.write(IA32_PASID, pasidValue)) throw new Fault(GP, 0);
      }
      if ((rfbm & x87) !== 0n) loadX87(cpu, (xstateBv & x87) !== 0n ? area : undefined);
    };
  };
}

registerBuilder([Mnemonic.Xsave, Mnemonic.Xsave64], build('xsave'));
registerBuilder([Mnemonic.Xrstor, Mnemonic.Xrstor64], build('xrstor'));
registerBuilder([Mnemonic.Xsaves, Mnemonic.Xsaves64], build('xsaves'));
registerBuilder([Mnemonic.Xrstors, Mnemonic.Xrstors64], build('xrstors'));
