// The EPT walk (SDM 29.3.2): guest-physical to physical, 4- or 5-level, with 1-GByte and 2-MByte pages,
// the misconfiguration checks of 29.3.3.1, the permission checks of 29.3.3.2 (execute-only and
// mode-based execute control), the accessed and dirty flags of 29.3.5 and page-modification logging
// (29.3.6). Guest-physical and physical addresses are numbers (exact below 2^52); entries are read as
// two int32 halves, as the guest walk does (model/cpu/paging.ts).
import type { Cpu } from '../cpu/cpu.js';
import { EXEC, READ, WRITE, type Access } from '../cpu/mmu.js';
import { layoutById } from '../arch/catalogue.js';
import { definedMask } from '../arch/decode.js';
import type { EptContext } from './context.js';
import { EptMisconfiguration, EptViolation, PmlFull } from './exits.js';
import { guestPhysicalApicAccess } from '../vmx/apic-virtualization.js';
import { IA32_PAT, PAT_RESET } from '../cpu/msr.js';
import { MEMORY_TYPE } from '../generated/memory-types.js';
import { eptEffectiveMemoryType, eptStructureMemoryType, patMemoryType } from './memory-type.js';
import { subPageWriteAllowed } from './spp.js';

/** What a guest-physical access is for: exit-qualification bits 7 and 8 (SDM 28.2.1, Table 28-7). */
export const GPA_LINEAR = 0, GPA_PAGING = 1, GPA_ONLY = 2;
export type GpaKind = typeof GPA_LINEAR | typeof GPA_PAGING | typeof GPA_ONLY;

const TWO32 = 0x1_0000_0000;

/**
 * The linear address behind the current access and what the guest paging structures say of it (for
 * exit-qualification bits 9-11 and mode-based execute control); set by the guest walk.
 */
export const linear = { lo: 0, hi: 0, paging: false, user: false, write: false, xd: false, pat: 0 };

/** Results of the last successful eptTranslate, for the TLB: which accesses the translation allows. */
export let eptAllowsRead = false, eptAllowsWrite = false, eptAllowsSupervisorExec = false, eptAllowsUserExec = false;

/**
 * The effective memory type (SDM 29.3.7.2) of the last successful eptTranslate of a linear address's
 * translation (GPA_LINEAR), and the cycles the timing model charges each access of that type (the TLB keeps
 * them with the translation, model/cpu/mmu.ts).
 */
export let eptMemoryType: number = MEMORY_TYPE.WB, eptAccessCycles = 0;

const entryAddr = new Float64Array(5);
const entryLo = new Int32Array(5);

/**
 * Reserved bits 31:0 of each entry format: the bits no field of its spec layout covers (SDM 29.3.2, Tables
 * 29-1 to 29-6; spec/data/layouts/ept.json). Bits 51:MAXPHYADDR are reserved too (EptContext.reservedHi);
 * every other bit of the high half is a field or ignored.
 */
function reservedLow(id: string): number {
  return Number(~definedMask(layoutById(id)!) & 0xFFFF_FFFFn) | 0;
}
const RESERVED_PML5E = reservedLow('ept.pml5e'), RESERVED_PML4E = reservedLow('ept.pml4e');
const RESERVED_PDPTE_TABLE = reservedLow('ept.pdpte-table'), RESERVED_PDPTE_1G = reservedLow('ept.pdpte-1gb-page');
const RESERVED_PDE_TABLE = reservedLow('ept.pde-table'), RESERVED_PDE_2M = reservedLow('ept.pde-2mb-page');
const RESERVED_PTE = reservedLow('ept.pte');

function reservedLo(level: number, ps: boolean): number {
  switch (level) {
    case 5: return RESERVED_PML5E;
    case 4: return RESERVED_PML4E;
    case 3: return ps ? RESERVED_PDPTE_1G : RESERVED_PDPTE_TABLE & ~0x80; // bit 7 (PS) is what tells the formats apart
    case 2: return ps ? RESERVED_PDE_2M : RESERVED_PDE_TABLE & ~0x80;
    default: return RESERVED_PTE;
  }
}

/** Memory types 2, 3 and 7 are reserved in an entry that maps a page (SDM 29.3.3.1, 29.3.7). */
function reservedMemoryType(lo: number): boolean {
  const t = (lo >>> 3) & 7;
  return t === 2 || t === 3 || t === 7;
}

/**
 * Translates a guest-physical address for an access (SDM 29.3.2-29.3.6) and returns the physical address;
 * or throws the EPT misconfiguration, EPT violation or page-modification-log-full exit the access causes.
 * `kind` says whether the address is the translation of a linear address, a guest paging-structure entry,
 * or neither (PDPTE loading); with EPT accessed/dirty flags on, paging-structure accesses are writes (29.3.3.2).
 */
export function eptTranslate(cpu: Cpu, gpa: number, access: Access, kind: GpaKind): number {
  const e = cpu.ept!;
  const pagingWrite = kind !== GPA_LINEAR && e.accessedDirty;
  const effective: Access = pagingWrite ? WRITE : access;
  const gLo = gpa >>> 0, gHi = Math.floor(gpa / TWO32);
  let base = e.root;
  let level = e.levels;
  let r = 1, w = 1, x = 1, ux = 1;
  let n = 0;
  let page: number;
  const mbec = e.modeBasedExecute;
  // Each EPT paging-structure reference costs a walk step plus an access of its memory type (SDM 29.3.7.1).
  const referenceCycles = cpu.timing.pageWalkCycles + (cpu.timing.memoryTypeCycles?.[eptStructureMemoryType(cpu.cr0, e.memoryType)] ?? 0);
  for (;;) {
    let idx: number;
    switch (level) {
      case 5: idx = (gHi >>> 16) & 0x1FF; break; // bits 56:48
      case 4: idx = (gHi >>> 7) & 0x1FF; break; // 47:39
      case 3: idx = ((gHi & 0x7F) << 2) | (gLo >>> 30); break; // 38:30
      case 2: idx = (gLo >>> 21) & 0x1FF; break; // 29:21
      default: idx = (gLo >>> 12) & 0x1FF; // 20:12
    }
    const addr = base + idx * 8;
    cpu.stats.pageWalkReads++;
    cpu.stats.eptPageWalkReads++;
    cpu.cycles += referenceCycles;
    const lo = cpu.memory.read32(addr), hi = cpu.memory.read32(addr + 4);
    const rwx = lo & 7;
    r &= lo & 1; w &= (lo >>> 1) & 1; x &= (lo >>> 2) & 1; ux &= (lo >>> 10) & 1;
    // Not present: bits 2:0 are 000b (and bit 10 is 0 under mode-based execute control) (29.3.2).
    if (rwx === 0 && !(mbec && (lo & 0x400) !== 0)) {
      throw new EptViolation(cpu, gpa, access, kind, pagingWrite, 0, 0, 0, 0, hi < 0);
    }
    // Misconfigurations (29.3.3.1): write-only or write/execute; execute-only where unsupported;
    // reserved bits (including a page size the processor does not support); a reserved memory type.
    if (rwx === 2 || rwx === 6 || (rwx === 4 && !e.executeOnly)) throw new EptMisconfiguration(cpu, gpa);
    const ps = level <= 3 && level >= 2 && (lo & 0x80) !== 0;
    if ((hi & e.reservedHi) !== 0 || (lo & reservedLo(level, ps)) !== 0) throw new EptMisconfiguration(cpu, gpa);
    if (ps && !(level === 3 ? e.pages1g : e.pages2m)) throw new EptMisconfiguration(cpu, gpa);
    entryAddr[n] = addr; entryLo[n] = lo; n++;
    const frameHi = (hi & 0xF_FFFF) * TWO32;
    if (level === 1) { page = frameHi + ((lo & 0xFFFF_F000) >>> 0) + (gLo & 0xFFF); break; }
    if (ps) {
      page = level === 3
        ? frameHi + ((lo & 0xC000_0000) >>> 0) + (gLo & 0x3FFF_FFFF)
        : frameHi + ((lo & 0xFFE0_0000) >>> 0) + (gLo & 0x1F_FFFF);
      break;
    }
    base = frameHi + ((lo & 0xFFFF_F000) >>> 0);
    level--;
  }
  const leafLo = entryLo[n - 1]!;
  if (reservedMemoryType(leafLo)) throw new EptMisconfiguration(cpu, gpa);
  // Permissions (29.3.3.2): fetches from user-mode linear addresses use bit 10 under mode-based execute control.
  const execOk = mbec && linear.user && kind === GPA_LINEAR ? ux : x;
  const allowed = effective === READ ? r : effective === WRITE ? w : execOk;
  // Sub-page write permissions may allow a write the EPT PTE refuses (SDM 29.3.4, model/ept/spp.ts).
  if (allowed === 0 && !subPageWriteAllowed(cpu, e, gpa, effective, kind === GPA_LINEAR, level, entryLo, n, entryHi(entryAddr[n - 1]!, cpu))) {
    throw new EptViolation(cpu, gpa, access, kind, pagingWrite, r, w, x, mbec ? ux : 0, (entryHi(entryAddr[n - 1]!, cpu)) < 0);
  }
  // A guest-physical access that reaches the APIC-access page exits, below any EPT violation (SDM 30.4.6.1).
  // Model choice: before the EPT A/D and PML updates, as the access does not happen.
  if (kind !== GPA_LINEAR) guestPhysicalApicAccess(cpu, page);
  // Accessed flags on every entry used, dirty flag on the leaf for a write (29.3.5); a dirty flag going
  // from 0 to 1 is logged first when PML is on (29.3.6).
  let dirtyNow = (leafLo & 0x200) !== 0;
  if (e.accessedDirty) {
    if (effective === WRITE && !dirtyNow) {
      if (e.pml) logPage(cpu, e, gpa);
      dirtyNow = true;
    }
    for (let i = 0; i < n; i++) {
      const v = entryLo[i]!;
      let set = v | 0x100;
      if (i === n - 1 && effective === WRITE) set |= 0x200;
      if (set !== v) cpu.memory.write32(entryAddr[i]!, set);
    }
  }
  eptAllowsRead = r !== 0;
  // With EPT A/D on, a write through a translation whose dirty flag is clear must walk again to set it.
  eptAllowsWrite = w !== 0 && (!e.accessedDirty || dirtyNow);
  eptAllowsSupervisorExec = x !== 0;
  eptAllowsUserExec = mbec ? ux !== 0 : x !== 0;
  if (kind === GPA_LINEAR) {
    // With guest paging off the PAT memory type is WB (SDM 29.3.7.2); WB combined with any EPT type is that type.
    const patType = linear.paging ? patMemoryType(cpu.msr.values.get(IA32_PAT) ?? PAT_RESET, linear.pat) : MEMORY_TYPE.WB;
    eptMemoryType = eptEffectiveMemoryType(cpu.cr0, leafLo, patType);
    eptAccessCycles = cpu.timing.memoryTypeCycles?.[eptMemoryType] ?? 0;
    cpu.cycles += eptAccessCycles;
  }
  return page;
}

function entryHi(addr: number, cpu: Cpu): number {
  return cpu.memory.read32(addr + 4);
}

/**
 * Page-modification logging (SDM 29.3.6): the guest-physical address of the 4-KByte page, bits 11:0
 * clear, goes to PML_ADDRESS + 8 * PML index and the index decrements; an index outside 0-511 is a
 * page-modification-log-full VM exit instead of the access.
 */
function logPage(cpu: Cpu, e: EptContext, gpa: number): void {
  const index = Number(e.vmcs.get('GUEST_PML_INDEX') & 0xFFFFn);
  if (index > 511) throw new PmlFull();
  const at = Number(e.vmcs.get('PML_ADDRESS')) + 8 * index;
  const page = Math.floor(gpa / 4096) * 4096;
  cpu.memory.write32(at, page >>> 0);
  cpu.memory.write32(at + 4, Math.floor(page / TWO32));
  e.vmcs.set('GUEST_PML_INDEX', BigInt((index - 1) & 0xFFFF));
}

/** The EPT rights of the last translation as a mask over mmu.ts rights bits (see mmu.rightBit). */
export function eptRightsMask(userLinear: boolean): number {
  let m = 0;
  for (let mode = 0; mode < 3; mode++) {
    if (eptAllowsRead) m |= 1 << (mode * 3 + READ);
    if (eptAllowsWrite) m |= 1 << (mode * 3 + WRITE);
    if (userLinear ? eptAllowsUserExec : eptAllowsSupervisorExec) m |= 1 << (mode * 3 + EXEC);
  }
  return m;
}
