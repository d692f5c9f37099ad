// CPUID (SDM Vol. 2 CPUID, Table 3-8): identity from the CPU profile, feature bits from what the model
// implements. Every leaf the model answers, and why each bit it sets is set:
//
//   0         EAX = 0DH, the highest basic leaf (2 while IA32_MISC_ENABLE.LIMIT_CPUID_MAXVAL = 1, SDM Vol. 4
//             Table 2-2); EBX, EDX, ECX = the profile's vendor string, 4 bytes each in that order.
//   1         EAX = the processor signature from the profile's family/model/stepping (Figure 3-6).
//             EBX = CLFLUSH line size 8 (x 8 = 64 bytes, since CLFLUSH exists), 1 addressable logical
//             processor, initial APIC ID = the processor's local-APIC ID (0 without one); brand index 0.
//             ECX, EDX = the FEATURES table below; ECX.OSXSAVE copies CR4.OSXSAVE, and ECX.MONITOR is 0
//             while IA32_MISC_ENABLE.ENABLE_MONITOR_FSM = 0. With a local APIC (model/apic): EDX.APIC (bit 9)
//             while IA32_APIC_BASE.EN = 1, ECX.x2APIC (21) and ECX.TSC-deadline (24).
//   2         EAX = 01H (AL = 1: execute once) and null descriptors: the model has no caches to describe.
//   4         all 0: cache type 0, no (more) caches.
//   5         MONITOR/MWAIT: smallest and largest monitor line 64 bytes; ECX[0] = 1 (ECX of this leaf is
//             meaningful), ECX[1] = 0 (no interrupt break-event for MWAIT), EDX = 0 (no C-state hints).
//   0AH       architectural performance monitoring version 1: 2 general-purpose counters 48 bits wide;
//             EBX = 7FH (all 7 architectural events unavailable, since the counters do not count).
//   7/0       EAX = 0 (sub-leaf 0 is the last), or 1 when sub-leaf 1 has a flag; EBX, ECX from FEATURES (LA57
//             only with a 57-bit profile; ECX[29] ENQCMD only when the profile lists it in cpuid.features).
//   7/1       ECX[5] MSR_IMM, EDX[15] USER_MSR: only when the profile lists them (cpuid.features), since they
//             depend on the part, not only on the model (user-msr.ts implements both).
//   0DH       only when XSAVE is enumerated (XSAVE, XRSTOR: xsave.ts): sub-leaf 0 EDX:EAX = the XCR0 bits
//             the model supports (x87, plus SSE when SSE is enumerated), EBX = XSAVE-area size for the
//             current XCR0, ECX = the size for all of them (576: 512-byte legacy region + 64-byte header;
//             SDM Vol. 1 13.4). Sub-leaf 1: EAX[3] XSAVES (XSAVES, XRSTORS, IA32_XSS) only when the profile
//             lists it (no XSAVEOPT, XSAVEC, XGETBV with ECX = 1); with XSAVES, EBX = the compacted size for
//             XCR0 | IA32_XSS and EDX:ECX = the IA32_XSS bits supported: bit 10 (PASID) when the profile also
//             lists ENQCMD. Sub-leaf 10 (PASID state, then): EAX = 8 bytes, ECX[0] = 1 (supervisor).
//   3, 6, 8, 9, 0BH, 0CH, other sub-leaves: all 0 (not supported; 0BH with EBX = 0 means no topology leaf).
//   80000000H EAX = 80000008H, the highest extended leaf.
//   80000001H ECX, EDX from FEATURES; EDX.NX is 0 while IA32_MISC_ENABLE.XD_DISABLE = 1.
//   80000002H-80000004H  the profile's brand string, NUL-padded to 48 bytes (all 0 without one).
//   80000005H, 80000006H all 0 (no cache information).
//   80000007H EDX[8] = 1: invariant TSC (the TSC is the machine's cycle clock, one rate throughout).
//   80000008H EAX[7:0] = MAXPHYADDR, EAX[15:8] = linear-address width (from the profile);
//             EBX[9] = 1: WBNOINVD (cache.ts).
//   Above the highest basic or extended leaf: the highest basic leaf's data (for the same ECX), as the
//   SDM says for invalid inputs.
//
// A feature tied to instructions is reported only when every listed mnemonic has a builder, so the
// bits follow what the core implements as instruction groups are added. Never reported while the model
// lacks them: MTRR, MCE/MCA, VME, DE, SMX, PDCM, UMIP, PKU, CET, and the hypervisor-present bit (ECX[31]).
import { Mnemonic } from 'iced-x86';
import { type CpuProfile, EXIT_REASON } from '../../generated/index.js';
import { inNonRoot, instructionExit } from '../../vmx/exits.js';
import type { Cpu } from '../cpu.js';
import { hasBuilder, registerBuilder } from '../decode.js';
import { CR4_OSXSAVE } from '../control-registers.js';
import { profileHasVmx } from '../msr.js';
import { COMPONENT_SIZE, IA32_XSS, PASID_COMPONENT, compactedSize } from './xsave.js';

const EAX = 0, EBX = 1, ECX = 2, EDX = 3;

interface FeatureContext {
  readonly profile: CpuProfile;
  readonly vmx: boolean;
  /** True when every mnemonic has a builder. */
  implemented(...mnemonics: Mnemonic[]): boolean;
  /** A feature listed earlier in FEATURES. */
  has(name: string): boolean;
}

export interface CpuidFeature {
  readonly leaf: number;
  readonly subleaf: number;
  readonly reg: typeof EAX | typeof EBX | typeof ECX | typeof EDX;
  readonly bit: number;
  readonly name: string;
  /** Why the model reports it (or when). */
  readonly why: string;
  readonly present: (c: FeatureContext) => boolean;
}

const always = (): boolean => true;

/**
 * Paging features, as model/cpu/paging.ts and mmu.ts implement them: 4-MByte pages with 32-bit paging
 * and PSE-36, PAE, global pages, the PAT bit in paging entries (not reserved), execute-disable,
 * 1-GByte pages, SMEP, SMAP, PCID-tagged TLB entries and 5-level paging.
 */
const PAGING = { pse: true, pae: true, pge: true, pat: true, pse36: true, nx: true, page1gb: true, smep: true, smap: true, pcid: true, la57: true } as const;

const CMOVCC = [
  Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne, Mnemonic.Cmovbe,
  Mnemonic.Cmova, Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl, Mnemonic.Cmovge,
  Mnemonic.Cmovle, Mnemonic.Cmovg,
];

/** Every feature bit the model may report; all other bits are 0. Order matters for `has`. */
export const FEATURES: readonly CpuidFeature[] = [
  // CPUID.01H:EDX
  { leaf: 1, subleaf: 0, reg: EDX, bit: 0, name: 'FPU', why: 'the x87 instructions are implemented', present: (c) => c.implemented(Mnemonic.Fninit, Mnemonic.Fld, Mnemonic.Fstp, Mnemonic.Fnstsw, Mnemonic.Fnstcw, Mnemonic.Fldcw) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 3, name: 'PSE', why: '4-MByte pages with 32-bit paging (paging.ts)', present: () => PAGING.pse },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 4, name: 'TSC', why: 'RDTSC and CR4.TSD (timestamp.ts)', present: always },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 5, name: 'MSR', why: 'RDMSR and WRMSR (msr-insns.ts)', present: always },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 6, name: 'PAE', why: 'PAE paging (paging.ts)', present: () => PAGING.pae },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 8, name: 'CX8', why: 'CMPXCHG8B is implemented', present: (c) => c.implemented(Mnemonic.Cmpxchg8b) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 11, name: 'SEP', why: 'SYSENTER and SYSEXIT are implemented', present: (c) => c.implemented(Mnemonic.Sysenter, Mnemonic.Sysexit) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 13, name: 'PGE', why: 'global pages survive MOV to CR3 (mmu.ts)', present: () => PAGING.pge },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 15, name: 'CMOV', why: 'all CMOVcc are implemented', present: (c) => c.implemented(...CMOVCC) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 16, name: 'PAT', why: 'IA32_PAT (msr.ts) and the PAT bit of paging entries (paging.ts)', present: () => PAGING.pat },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 17, name: 'PSE-36', why: '4-MByte pages above 4 GBytes with 32-bit paging (paging.ts)', present: () => PAGING.pse36 },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 19, name: 'CLFSH', why: 'CLFLUSH (cache.ts)', present: always },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 23, name: 'MMX', why: 'the MMX instructions are implemented', present: (c) => c.has('FPU') && c.implemented(Mnemonic.Emms, Mnemonic.Paddb, Mnemonic.Movd, Mnemonic.Movq) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 24, name: 'FXSR', why: 'FXSAVE and FXRSTOR are implemented', present: (c) => c.implemented(Mnemonic.Fxsave, Mnemonic.Fxrstor) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 25, name: 'SSE', why: 'the SSE instructions are implemented', present: (c) => c.has('FXSR') && c.implemented(Mnemonic.Movaps, Mnemonic.Movups, Mnemonic.Xorps, Mnemonic.Addps, Mnemonic.Ldmxcsr, Mnemonic.Stmxcsr) },
  { leaf: 1, subleaf: 0, reg: EDX, bit: 26, name: 'SSE2', why: 'the SSE2 instructions are implemented', present: (c) => c.has('SSE') && c.implemented(Mnemonic.Movdqa, Mnemonic.Movdqu, Mnemonic.Paddq, Mnemonic.Addpd, Mnemonic.Pxor, Mnemonic.Movq, Mnemonic.Movd) },
  // CPUID.01H:ECX
  { leaf: 1, subleaf: 0, reg: ECX, bit: 0, name: 'SSE3', why: 'the SSE3 instructions are implemented', present: (c) => c.has('SSE2') && c.implemented(Mnemonic.Addsubpd, Mnemonic.Haddps, Mnemonic.Lddqu, Mnemonic.Movddup) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 1, name: 'PCLMULQDQ', why: 'PCLMULQDQ is implemented', present: (c) => c.has('SSE2') && c.implemented(Mnemonic.Pclmulqdq) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 3, name: 'MONITOR', why: 'MONITOR and MWAIT (processor.ts)', present: always },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 5, name: 'VMX', why: 'the profile has IA32_VMX_BASIC', present: (c) => c.vmx },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 9, name: 'SSSE3', why: 'the SSSE3 instructions are implemented', present: (c) => c.has('SSE3') && c.implemented(Mnemonic.Pshufb, Mnemonic.Palignr, Mnemonic.Phaddw, Mnemonic.Pabsb) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 13, name: 'CMPXCHG16B', why: 'CMPXCHG16B is implemented', present: (c) => c.implemented(Mnemonic.Cmpxchg16b) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 17, name: 'PCID', why: 'process-context identifiers (mmu.ts)', present: () => PAGING.pcid },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 19, name: 'SSE4.1', why: 'the SSE4.1 instructions are implemented', present: (c) => c.has('SSSE3') && c.implemented(Mnemonic.Ptest, Mnemonic.Pmulld, Mnemonic.Pblendvb, Mnemonic.Pextrd) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 20, name: 'SSE4.2', why: 'the SSE4.2 instructions are implemented', present: (c) => c.has('SSE4.1') && c.implemented(Mnemonic.Pcmpestri, Mnemonic.Pcmpistri, Mnemonic.Crc32, Mnemonic.Pcmpgtq) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 22, name: 'MOVBE', why: 'MOVBE is implemented', present: (c) => c.implemented(Mnemonic.Movbe) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 23, name: 'POPCNT', why: 'POPCNT is implemented', present: (c) => c.implemented(Mnemonic.Popcnt) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 25, name: 'AESNI', why: 'the AES instructions are implemented', present: (c) => c.has('SSE2') && c.implemented(Mnemonic.Aesenc, Mnemonic.Aesenclast, Mnemonic.Aesdec, Mnemonic.Aesdeclast, Mnemonic.Aesimc, Mnemonic.Aeskeygenassist) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 26, name: 'XSAVE', why: 'XSAVE and XRSTOR (xsave.ts), XSETBV and XGETBV (processor.ts) are implemented', present: (c) => c.implemented(Mnemonic.Xsave, Mnemonic.Xrstor, Mnemonic.Xsetbv, Mnemonic.Xgetbv) },
  { leaf: 1, subleaf: 0, reg: ECX, bit: 30, name: 'RDRAND', why: 'RDRAND (random.ts)', present: always },
  // CPUID.(EAX=0DH,ECX=1):EAX
  { leaf: 0xD, subleaf: 1, reg: EAX, bit: 3, name: 'XSAVES', why: 'the profile lists XSAVES: XSAVES, XRSTORS and IA32_XSS (xsave.ts)', present: (c) => c.has('XSAVE') && c.profile.cpuid.features?.includes('XSAVES') === true && c.implemented(Mnemonic.Xsaves, Mnemonic.Xrstors) },
  // CPUID.(EAX=07H,ECX=0):EBX
  { leaf: 7, subleaf: 0, reg: EBX, bit: 0, name: 'FSGSBASE', why: 'RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE are implemented', present: (c) => c.implemented(Mnemonic.Rdfsbase, Mnemonic.Rdgsbase, Mnemonic.Wrfsbase, Mnemonic.Wrgsbase) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 1, name: 'TSC_ADJUST', why: 'IA32_TSC_ADJUST (msr.ts)', present: always },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 3, name: 'BMI1', why: 'the BMI1 instructions are implemented', present: (c) => c.implemented(Mnemonic.Andn, Mnemonic.Bextr, Mnemonic.Blsi, Mnemonic.Blsmsk, Mnemonic.Blsr, Mnemonic.Tzcnt) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 7, name: 'SMEP', why: 'supervisor-mode execution prevention (mmu.ts, paging.ts)', present: () => PAGING.smep },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 8, name: 'BMI2', why: 'the BMI2 instructions are implemented', present: (c) => c.implemented(Mnemonic.Bzhi, Mnemonic.Mulx, Mnemonic.Pdep, Mnemonic.Pext, Mnemonic.Rorx, Mnemonic.Sarx, Mnemonic.Shlx, Mnemonic.Shrx) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 10, name: 'INVPCID', why: 'INVPCID is implemented (with PCID)', present: (c) => c.has('PCID') && c.implemented(Mnemonic.Invpcid) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 18, name: 'RDSEED', why: 'RDSEED (random.ts)', present: always },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 19, name: 'ADX', why: 'ADCX and ADOX are implemented', present: (c) => c.implemented(Mnemonic.Adcx, Mnemonic.Adox) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 20, name: 'SMAP', why: 'supervisor-mode access prevention (mmu.ts) with STAC and CLAC implemented', present: (c) => PAGING.smap && c.implemented(Mnemonic.Stac, Mnemonic.Clac) },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 23, name: 'CLFLUSHOPT', why: 'CLFLUSHOPT (cache.ts)', present: always },
  { leaf: 7, subleaf: 0, reg: EBX, bit: 24, name: 'CLWB', why: 'CLWB (cache.ts)', present: always },
  // CPUID.(EAX=07H,ECX=0):ECX
  { leaf: 7, subleaf: 0, reg: ECX, bit: 16, name: 'LA57', why: '5-level paging, for a profile with 57-bit linear addresses', present: (c) => PAGING.la57 && c.profile.cpuid.maxLinearAddressBits === 57 },
  { leaf: 7, subleaf: 0, reg: ECX, bit: 22, name: 'RDPID', why: 'RDPID (timestamp.ts)', present: always },
  { leaf: 7, subleaf: 0, reg: ECX, bit: 29, name: 'ENQCMD', why: 'the profile lists ENQCMD: ENQCMD, ENQCMDS and IA32_PASID (enqcmd.ts)', present: (c) => c.profile.cpuid.features?.includes('ENQCMD') === true },
  // CPUID.(EAX=07H,ECX=1): flags of the part that the profile lists (cpu-profile cpuid.features)
  { leaf: 7, subleaf: 1, reg: ECX, bit: 5, name: 'MSR_IMM', why: 'the profile lists MSR_IMM: RDMSR and WRMSRNS with an immediate (user-msr.ts)', present: (c) => c.profile.cpuid.features?.includes('MSR_IMM') === true },
  { leaf: 7, subleaf: 1, reg: EDX, bit: 15, name: 'USER_MSR', why: 'the profile lists USER_MSR: URDMSR, UWRMSR and IA32_USER_MSR_CTL (user-msr.ts)', present: (c) => c.profile.cpuid.features?.includes('USER_MSR') === true },
  // CPUID.80000001H:ECX
  { leaf: 0x8000_0001, subleaf: 0, reg: ECX, bit: 0, name: 'LAHF-SAHF', why: 'LAHF and SAHF are implemented (also in 64-bit mode)', present: (c) => c.implemented(Mnemonic.Lahf, Mnemonic.Sahf) },
  { leaf: 0x8000_0001, subleaf: 0, reg: ECX, bit: 5, name: 'LZCNT', why: 'LZCNT is implemented', present: (c) => c.implemented(Mnemonic.Lzcnt) },
  { leaf: 0x8000_0001, subleaf: 0, reg: ECX, bit: 8, name: 'PREFETCHW', why: 'PREFETCHW (cache.ts, a hint)', present: always },
  // CPUID.80000001H:EDX
  { leaf: 0x8000_0001, subleaf: 0, reg: EDX, bit: 11, name: 'SYSCALL', why: 'SYSCALL and SYSRET are implemented', present: (c) => c.implemented(Mnemonic.Syscall, Mnemonic.Sysret) },
  { leaf: 0x8000_0001, subleaf: 0, reg: EDX, bit: 20, name: 'NX', why: 'execute-disable (EFER.NXE, paging.ts)', present: () => PAGING.nx },
  { leaf: 0x8000_0001, subleaf: 0, reg: EDX, bit: 26, name: 'Page1GB', why: '1-GByte pages (paging.ts)', present: () => PAGING.page1gb },
  { leaf: 0x8000_0001, subleaf: 0, reg: EDX, bit: 27, name: 'RDTSCP', why: 'RDTSCP and IA32_TSC_AUX (timestamp.ts)', present: always },
  { leaf: 0x8000_0001, subleaf: 0, reg: EDX, bit: 29, name: 'LM', why: 'IA-32e mode (control-registers.ts, loader.ts)', present: always },
  // CPUID.80000007H:EDX, CPUID.80000008H:EBX
  { leaf: 0x8000_0007, subleaf: 0, reg: EDX, bit: 8, name: 'InvariantTSC', why: 'the TSC runs at one rate from the machine clock', present: always },
  { leaf: 0x8000_0008, subleaf: 0, reg: EBX, bit: 9, name: 'WBNOINVD', why: 'WBNOINVD (cache.ts)', present: always },
];

export const MAX_BASIC_LEAF = 0xD;
export const MAX_EXTENDED_LEAF = 0x8000_0008;
/** Leaves whose output depends on ECX (sub-leaves); the others ignore it. */
const SUBLEAF_LEAVES = new Set([4, 7, 0xB, 0xD]);
/** XSAVE area size with x87 and SSE state: the 512-byte legacy region and the 64-byte header (SDM Vol. 1 13.4). */
export const XSAVE_LEGACY_AND_HEADER = 576;

/** Processor signature of CPUID.01H:EAX (SDM Vol. 2 CPUID, Figure 3-6), from display family/model/stepping. */
export function processorSignature(family: number, model: number, stepping: number): number {
  const familyId = family >= 0xF ? 0xF : family;
  const extFamily = family >= 0xF ? family - 0xF : 0;
  const usesExtModel = familyId === 0x6 || familyId === 0xF;
  const modelId = usesExtModel ? model & 0xF : model;
  const extModel = usesExtModel ? model >> 4 : 0;
  return ((extFamily & 0xFF) << 20) | ((extModel & 0xF) << 16) | ((familyId & 0xF) << 8) | ((modelId & 0xF) << 4) | (stepping & 0xF);
}

/** A string as little-endian 32-bit words, NUL-padded to `bytes` bytes. */
function stringWords(text: string, bytes: number): number[] {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < Math.min(text.length, bytes); i++) b[i] = text.charCodeAt(i) & 0xFF;
  const words: number[] = [];
  for (let i = 0; i < bytes; i += 4) words.push(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  return words;
}

/** The static part of the answers: per leaf (and sub-leaf) EAX, EBX, ECX, EDX. */
export interface CpuidTable {
  readonly leaves: Map<number, Int32Array>;
  readonly features: ReadonlySet<string>;
  /** XCR0 bits the model supports (CPUID.(EAX=0DH,ECX=0):EAX). */
  readonly xcr0: number;
  /** IA32_XSS bits the model supports (CPUID.(EAX=0DH,ECX=1):ECX). */
  readonly xss: number;
}

function key(leaf: number, subleaf: number): number {
  return SUBLEAF_LEAVES.has(leaf) ? leaf * 256 + subleaf : leaf * 256;
}

/**
 * Builds the table for a profile. `implemented` says whether a mnemonic has a builder (by default the
 * decode registry); tests pass their own to see a feature switched on.
 */
export function buildCpuidTable(profile: CpuProfile, vmx: boolean, implemented: (m: Mnemonic) => boolean = hasBuilder): CpuidTable {
  const features = new Set<string>();
  const ctx: FeatureContext = {
    profile, vmx,
    implemented: (...ms) => ms.every((m) => implemented(m)),
    has: (name) => features.has(name),
  };
  const leaves = new Map<number, Int32Array>();
  const regs = (leaf: number, subleaf = 0): Int32Array => {
    const k = key(leaf, subleaf);
    let r = leaves.get(k);
    if (!r) { r = new Int32Array(4); leaves.set(k, r); }
    return r;
  };
  for (let l = 0; l <= MAX_BASIC_LEAF; l++) regs(l);
  for (let l = 0x8000_0000; l <= MAX_EXTENDED_LEAF; l++) regs(l);
  for (const f of FEATURES) {
    if (!f.present(ctx)) continue;
    features.add(f.name);
    const r = regs(f.leaf, f.subleaf);
    r[f.reg] = r[f.reg]! | (1 << f.bit);
  }
  if (leaves.has(key(7, 1))) regs(7)[EAX] = 1; // sub-leaf 1 is the highest with a flag
  const { vendor, family, model, stepping, brand, maxPhysicalAddressBits, maxLinearAddressBits } = profile.cpuid;
  const v = stringWords(vendor, 12);
  const l0 = regs(0);
  l0[EAX] = MAX_BASIC_LEAF; l0[EBX] = v[0]!; l0[EDX] = v[1]!; l0[ECX] = v[2]!;
  const l1 = regs(1);
  l1[EAX] = processorSignature(family, model, stepping);
  l1[EBX] = (0 << 24) | (1 << 16) | (8 << 8);
  regs(2)[EAX] = 1;
  const l5 = regs(5);
  l5[EAX] = 64; l5[EBX] = 64; l5[ECX] = 1;
  const l0a = regs(0xA);
  l0a[EAX] = (7 << 24) | (48 << 16) | (2 << 8) | 1; l0a[EBX] = 0x7F;
  const xcr0 = 1 | (features.has('SSE') ? 2 : 0);
  if (features.has('XSAVE')) {
    const d0 = regs(0xD, 0);
    d0[EAX] = xcr0; d0[EBX] = XSAVE_LEGACY_AND_HEADER; d0[ECX] = XSAVE_LEGACY_AND_HEADER; d0[EDX] = 0;
    regs(0xD, 1);
  }
  // The PASID state component needs XSAVES (to save it) and ENQCMD (IA32_PASID) (SDM Vol. 1 13.5.8).
  const xss = features.has('XSAVES') && features.has('ENQCMD') ? 1 << PASID_COMPONENT : 0;
  if (features.has('XSAVES')) {
    const d1 = regs(0xD, 1);
    d1[EBX] = compactedSize(BigInt(xcr0 | xss)); d1[ECX] = xss;
    if (xss !== 0) { const d10 = regs(0xD, PASID_COMPONENT); d10[EAX] = COMPONENT_SIZE.get(PASID_COMPONENT)!; d10[ECX] = 1; }
  }
  regs(0x8000_0000)[EAX] = MAX_EXTENDED_LEAF | 0;
  const b = stringWords(brand ?? '', 48);
  for (let i = 0; i < 3; i++) {
    const r = regs(0x8000_0002 + i);
    for (let j = 0; j < 4; j++) r[j] = b[i * 4 + j]!;
  }
  regs(0x8000_0008)[EAX] = (maxLinearAddressBits << 8) | maxPhysicalAddressBits;
  return { leaves, features, xcr0, xss };
}

const tables = new WeakMap<CpuProfile, CpuidTable>();

/** The table for a processor, built on first use (after every instruction group has registered). */
export function cpuidTable(cpu: Cpu): CpuidTable {
  let t = tables.get(cpu.profile);
  if (!t) { t = buildCpuidTable(cpu.profile, profileHasVmx(cpu)); tables.set(cpu.profile, t); }
  return t;
}

/** XCR0 bits XSETBV accepts. */
export function supportedXcr0(cpu: Cpu): number {
  return cpuidTable(cpu).xcr0;
}

const ZERO = new Int32Array(4);

/**
 * CPUID's answer for EAX = leaf, ECX = subleaf, written into out[0..3] (EAX, EBX, ECX, EDX), with the
 * bits that follow the processor's state: CR4.OSXSAVE, IA32_MISC_ENABLE bits 18, 22 and 34, and the
 * XSAVE-area size for the current XCR0.
 */
export function cpuid(cpu: Cpu, leaf: number, subleaf: number, out: Int32Array): void {
  const t = cpuidTable(cpu);
  leaf >>>= 0; subleaf >>>= 0;
  const limited = (cpu.msr.miscEnableLo & (1 << 22)) !== 0;
  const maxBasic = limited ? 2 : MAX_BASIC_LEAF;
  if ((leaf > maxBasic && leaf < 0x8000_0000) || leaf > MAX_EXTENDED_LEAF) leaf = maxBasic;
  const r = SUBLEAF_LEAVES.has(leaf) && subleaf > 255 ? ZERO : (t.leaves.get(key(leaf, subleaf)) ?? ZERO);
  out[0] = r[0]!; out[1] = r[1]!; out[2] = r[2]!; out[3] = r[3]!;
  if (leaf === 0) out[0] = maxBasic;
  else if (leaf === 1) {
    if ((cpu.cr4 & CR4_OSXSAVE) !== 0) out[ECX] = out[ECX]! | (1 << 27);
    if ((cpu.msr.miscEnableLo & (1 << 18)) === 0) out[ECX] = out[ECX]! & ~(1 << 3);
    const apic = cpu.apic;
    if (apic !== undefined) {
      // SDM Vol. 3A 11.4.3 (APIC flag follows IA32_APIC_BASE.EN), 11.12.1 (x2APIC), 11.5.4.1 (TSC-deadline).
      out[EBX] = (out[EBX]! & 0x00FF_FFFF) | (apic.initialId << 24);
      if ((apic.base & (1n << 11n)) !== 0n) out[EDX] = out[EDX]! | (1 << 9);
      out[ECX] = out[ECX]! | (1 << 21) | (1 << 24);
    }
  } else if (leaf === 0xD && subleaf === 0 && t.features.has('XSAVE')) {
    out[EBX] = XSAVE_LEGACY_AND_HEADER; // x87 and SSE state both live in the legacy region
  } else if (leaf === 0xD && subleaf === 1 && t.features.has('XSAVES')) {
    out[EBX] = compactedSize(BigInt(cpu.xcr0 >>> 0) | (cpu.msr.read(IA32_XSS) ?? 0n)); // SDM Vol. 2 CPUID, leaf 0DH
  } else if (leaf === 0x8000_0001 && (cpu.msr.miscEnableHi & 0x4) !== 0) {
    out[EDX] = out[EDX]! & ~(1 << 20);
  }
}

const scratch = new Int32Array(4);

// CPUID: any CPL; in 64-bit mode the upper halves of RAX, RBX, RCX and RDX are cleared (SDM Vol. 2 CPUID).
registerBuilder(Mnemonic.Cpuid, (v) => (cpu) => {
  // CPUID in VMX non-root operation always exits (SDM 26.1.2).
  if (inNonRoot(cpu)) { instructionExit(cpu, EXIT_REASON.CPUID, v.length); return; }
  cpuid(cpu, cpu.lo[0]!, cpu.lo[1]!, scratch);
  cpu.lo[0] = scratch[0]!; cpu.hi[0] = 0;
  cpu.lo[3] = scratch[1]!; cpu.hi[3] = 0;
  cpu.lo[1] = scratch[2]!; cpu.hi[1] = 0;
  cpu.lo[2] = scratch[3]!; cpu.hi[2] = 0;
});
