// Page walks with hand-built paging structures (SDM Vol. 3A chapter 4): translation in each paging
// mode, accessed/dirty flags, every page-fault error-code bit and the faulting address, the access
// rights (U/S, R/W, CR0.WP, XD, SMEP, SMAP), reserved bits, and the TLB (INVLPG, PCID, global pages).
// Physical addresses below are computed by hand from the entry formats of Tables 4-4 to 4-20.
import { describe, expect, it } from 'vitest';
import { Machine } from '../machine/machine.js';
import type { Cpu } from './cpu.js';
import { Fault, GP, PF } from './fault.js';
import { EXEC, READ, WRITE, type Access, tlbFlushAll, tlbFlushPage, tlbFlushAddressPcid, tlbFlushPcid, translate } from './mmu.js';
import { PageFault } from './paging.js';
import { writeCr3, writeCr4 } from './control-registers.js';
import { profile } from '../../conformance/harness/cpu.js';

const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
const PG = 0x8000_0000 | 0, PE = 1, WP = 1 << 16;
const CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_PGE = 1 << 7, CR4_LA57 = 1 << 12, CR4_PCIDE = 1 << 17, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
const LME = 1 << 8, LMA = 1 << 10, NXE = 1 << 11;
const AC_FLAG = 1 << 18;
/** Page-fault error code bits (Figure 4-12). */
const EC_P = 1, EC_W = 2, EC_U = 4, EC_RSVD = 8, EC_I = 16;

/** A machine at its power-up state (no loader): each test sets the paging registers itself. */
function machine(profileId = 'skylake-server'): Machine {
  return new Machine({ profile: profile(profileId), memorySize: 64 * 1024 * 1024 });
}

/** Sets the paging registers directly (as VM entry or a loader would) and empties the TLB. */
function paging(cpu: Cpu, cr0: number, cr3: number, cr4: number, efer: number, cpl = 0): void {
  cpu.cr0 = cr0; cpu.cr3Lo = cr3; cpu.cr3Hi = 0; cpu.cr4 = cr4; cpu.efer = efer;
  cpu.segAttr[2] = (cpu.segAttr[2]! & ~0x60) | (cpl << 5); // SS.DPL is the CPL
  cpu.updateMode();
  tlbFlushAll(cpu);
}

function w32(m: Machine, pa: number, v: number): void { m.memory.write32(pa, v); }
function w64(m: Machine, pa: number, lo: number, hi = 0): void { m.memory.write32(pa, lo); m.memory.write32(pa + 4, hi); }
function r32(m: Machine, pa: number): number { return m.memory.read32(pa) >>> 0; }

/** translate(), returning the physical address or the page fault it raised. */
function tr(cpu: Cpu, lin: bigint, access: Access, implicit = false): number | PageFault {
  try {
    return translate(cpu, Number(lin & 0xFFFF_FFFFn) | 0, Number((lin >> 32n) & 0xFFFF_FFFFn) | 0, access, implicit);
  } catch (e) {
    if (e instanceof PageFault) return e;
    throw e;
  }
}

function pf(r: number | PageFault): { code: number; address: bigint } {
  if (!(r instanceof PageFault)) throw new Error(`expected #PF, got ${String(r)}`);
  expect(r.vector).toBe(PF);
  return { code: r.errorCode, address: (BigInt(r.linHi >>> 0) << 32n) | BigInt(r.linLo >>> 0) };
}

describe('32-bit paging (SDM Vol. 3A 4.3)', () => {
  // CR3 = 10000h. Linear 00403ABCh: PDE index 1 (bits 31:22), PTE index 3 (bits 21:12), offset ABCh.
  function setup(): Machine {
    const m = machine();
    w32(m, 0x10000 + 1 * 4, 0x11000 | P | RW | US);
    w32(m, 0x11000 + 3 * 4, 0x0055_5000 | P | RW | US);
    paging(m.cpu, PG | PE, 0x10000, 0, 0);
    return m;
  }

  it('a 4-KByte page: PA = PTE[31:12] : linear[11:0]; a read sets A in the PDE and PTE, not D (4.3, 4.8)', () => {
    const m = setup();
    expect(tr(m.cpu, 0x0040_3ABCn, READ)).toBe(0x55_5ABC);
    expect(r32(m, 0x10004)).toBe(0x11000 | P | RW | US | A);
    expect(r32(m, 0x1100C)).toBe(0x55_5000 | P | RW | US | A);
  });

  it('a write sets D in the PTE (the entry that maps the page) but not in the PDE (4.8)', () => {
    const m = setup();
    expect(tr(m.cpu, 0x0040_3ABCn, WRITE)).toBe(0x55_5ABC);
    expect(r32(m, 0x1100C)).toBe(0x55_5000 | P | RW | US | A | D);
    expect(r32(m, 0x10004)).toBe(0x11000 | P | RW | US | A);
  });

  it('a 4-MByte page with CR4.PSE = 1: PA = PDE[31:22] : linear[21:0] (Table 4-4)', () => {
    const m = machine();
    // Linear 00891234h: PDE index 2; PDE maps 4 MiB at 01400000h; offset 091234h.
    w32(m, 0x10000 + 2 * 4, 0x0140_0000 | PS | P | RW);
    paging(m.cpu, PG | PE, 0x10000, CR4_PSE, 0);
    expect(tr(m.cpu, 0x0089_1234n, READ)).toBe(0x149_1234);
  });

  it('PSE-36: PDE bits 20:13 supply physical-address bits 39:32 of a 4-MByte page (MAXPHYADDR 46 > 40)', () => {
    const m = machine();
    w32(m, 0x10000 + 2 * 4, 0x0140_0000 | (0x05 << 13) | PS | P | RW);
    paging(m.cpu, PG | PE, 0x10000, CR4_PSE, 0);
    expect(tr(m.cpu, 0x0089_1234n, READ)).toBe(0x5_0149_1234);
  });

  it('bit 21 of a 4-MByte PDE is reserved (M = min(MAXPHYADDR, 40) = 40): #PF with P = 1, RSVD = 1 (4.7)', () => {
    const m = machine();
    w32(m, 0x10000 + 2 * 4, 0x0140_0000 | (1 << 21) | PS | P | RW);
    paging(m.cpu, PG | PE, 0x10000, CR4_PSE, 0);
    const f = pf(tr(m.cpu, 0x0089_1234n, READ));
    expect(f.code).toBe(EC_P | EC_RSVD);
    expect(f.address).toBe(0x0089_1234n);
  });

  it('with CR4.PSE = 0 the PS bit is ignored: the PDE references a page table (4.3)', () => {
    const m = machine();
    w32(m, 0x10000 + 2 * 4, 0x11000 | PS | P | RW);
    w32(m, 0x11000 + 0x91 * 4, 0x0077_7000 | P);
    paging(m.cpu, PG | PE, 0x10000, 0, 0);
    expect(tr(m.cpu, 0x0089_1234n, READ)).toBe(0x77_7234);
  });

  it('a not-present PDE: #PF with P = 0; W/R and U/S describe the access (user write: 6)', () => {
    const m = setup();
    expect(pf(tr(m.cpu, 0x0080_0000n, READ))).toEqual({ code: 0, address: 0x80_0000n });
    m.cpu.segAttr[2] = m.cpu.segAttr[2]! | 0x60; m.cpu.updateMode(); // CPL 3
    expect(pf(tr(m.cpu, 0x0080_0010n, WRITE))).toEqual({ code: EC_W | EC_U, address: 0x80_0010n });
  });

  it('no accessed flag is set when the translation faults (4.8 sets flags only for entries used by a translation)', () => {
    const m = machine();
    w32(m, 0x10000 + 1 * 4, 0x11000 | P | RW);
    w32(m, 0x11000 + 3 * 4, 0x55_5000); // not present
    paging(m.cpu, PG | PE, 0x10000, 0, 0);
    pf(tr(m.cpu, 0x0040_3ABCn, READ));
    // The SDM does not say whether A is set in the PDE of a walk that ends in a fault: not asserted.
    expect(r32(m, 0x1100C)).toBe(0x55_5000);
  });
});

describe('PAE paging (SDM Vol. 3A 4.4)', () => {
  // CR3 = 20000h: PDPTE 0 -> PD at 21000h. Linear 00201234h: PD index 1, PT index 1, offset 234h.
  function setup(nxe = false): Machine {
    const m = machine();
    w64(m, 0x20000, 0x21000 | P);
    w64(m, 0x21000 + 1 * 8, 0x22000 | P | RW | US);
    w64(m, 0x22000 + 1 * 8, 0x0066_6000 | P | RW | US);
    paging(m.cpu, PG | PE, 0, CR4_PAE, nxe ? NXE : 0);
    writeCr3(m.cpu, 0x20000); // loads the PDPTE registers (4.4.1)
    return m;
  }

  it('MOV to CR3 loads the four PDPTEs; a 4-KByte translation goes PDPTE -> PDE -> PTE', () => {
    const m = setup();
    expect(m.cpu.pdpteLo[0]! >>> 0).toBe(0x21000 | P);
    expect(tr(m.cpu, 0x0020_1234n, READ)).toBe(0x66_6234);
  });

  it('PDPTEs come from the registers: changing the table in memory has no effect until CR3 is loaded again (4.4.1)', () => {
    const m = setup();
    w64(m, 0x20000, 0); // not present in memory, but the register still holds the old PDPTE
    expect(tr(m.cpu, 0x0020_1234n, READ)).toBe(0x66_6234);
    writeCr3(m.cpu, 0x20000);
    expect(pf(tr(m.cpu, 0x0020_1234n, READ)).code).toBe(0);
  });

  it('a present PDPTE with a reserved bit (bit 1) makes MOV to CR3 #GP(0) and leaves CR3 unchanged (4.4.1)', () => {
    const m = setup();
    w64(m, 0x30000 + 8, 0x21000 | 2 | P);
    expect(() => writeCr3(m.cpu, 0x30000)).toThrow(expect.objectContaining({ vector: GP, errorCode: 0 }));
    expect(m.cpu.cr3Lo).toBe(0x20000);
  });

  it('a 2-MByte page: PA = PDE[51:21] : linear[20:0] (Table 4-9)', () => {
    const m = setup();
    w64(m, 0x21000 + 2 * 8, 0x0140_0000 | PS | P | RW);
    expect(tr(m.cpu, 0x0045_6789n, READ)).toBe(0x145_6789);
  });

  it('bits 62:MAXPHYADDR of a PAE PDE are reserved (bit 46 with MAXPHYADDR = 46): RSVD (Table 4-10)', () => {
    const m = setup();
    w64(m, 0x21000 + 1 * 8, 0x22000 | P | RW | US, 1 << 14);
    expect(pf(tr(m.cpu, 0x0020_1234n, READ)).code).toBe(EC_P | EC_RSVD);
  });

  it('XD (bit 63) with EFER.NXE = 1: data reads allowed, fetches fault with P = 1 and I/D = 1 (4.6, 4.7)', () => {
    const m = setup(true);
    w64(m, 0x22000 + 1 * 8, 0x66_6000 | P | RW | US, 0x8000_0000 | 0);
    expect(tr(m.cpu, 0x0020_1234n, READ)).toBe(0x66_6234);
    expect(pf(tr(m.cpu, 0x0020_1234n, EXEC)).code).toBe(EC_P | EC_I);
  });

  it('XD is reserved when EFER.NXE = 0: a read faults with RSVD = 1, a fetch without I/D (4.7)', () => {
    const m = setup(false);
    w64(m, 0x22000 + 1 * 8, 0x66_6000 | P | RW | US, 0x8000_0000 | 0);
    expect(pf(tr(m.cpu, 0x0020_1234n, READ)).code).toBe(EC_P | EC_RSVD);
    tlbFlushAll(m.cpu);
    expect(pf(tr(m.cpu, 0x0020_1234n, EXEC)).code).toBe(EC_P | EC_RSVD); // I/D needs SMEP or (PAE and NXE)
  });
});

describe('4-level and 5-level paging (SDM Vol. 3A 4.5)', () => {
  // Linear FFFF8000_40201ABCh: PML4 index 100h (bits 47:39), PDPT index 1, PD index 1, PT index 1, offset ABCh.
  const LIN = 0xFFFF_8000_4020_1ABCn;
  function setup(): Machine {
    const m = machine();
    w64(m, 0x10000 + 0x100 * 8, 0x11000 | P | RW | US);
    w64(m, 0x11000 + 1 * 8, 0x12000 | P | RW | US);
    w64(m, 0x12000 + 1 * 8, 0x13000 | P | RW | US);
    w64(m, 0x13000 + 1 * 8, 0x0088_8000 | P | RW | US, 0x3); // frame 3_00888000h (bits 33:32 = 3)
    paging(m.cpu, PG | PE, 0x10000, CR4_PAE, LME | LMA | NXE);
    return m;
  }

  it('a 4-KByte translation of a canonical high address, with A set on all four entries (4.5.4, 4.8)', () => {
    const m = setup();
    expect(tr(m.cpu, LIN, READ)).toBe(0x3_0088_8ABC);
    expect(r32(m, 0x10800)).toBe(0x11000 | P | RW | US | A);
    expect(r32(m, 0x11008)).toBe(0x12000 | P | RW | US | A);
    expect(r32(m, 0x12008)).toBe(0x13000 | P | RW | US | A);
    expect(r32(m, 0x13008)).toBe(0x88_8000 | P | RW | US | A);
  });

  it('each paging-structure read is counted and charged pageWalkCycles by the timing interface', () => {
    const m = setup();
    const reads = m.cpu.stats.pageWalkReads, cycles = m.cpu.cycles;
    tr(m.cpu, LIN, READ);
    expect(m.cpu.stats.pageWalkReads - reads).toBe(4);
    expect(m.cpu.cycles - cycles).toBe(4 * m.cpu.timing.pageWalkCycles);
    tr(m.cpu, LIN + 8n, READ); // same page: a TLB hit, no walk
    expect(m.cpu.stats.pageWalkReads - reads).toBe(4);
  });

  it('a 2-MByte page (PDE.PS = 1): PA = PDE[51:21] : linear[20:0]; bit 12 (PAT) is not reserved (Table 4-18)', () => {
    const m = setup();
    w64(m, 0x12000 + 1 * 8, 0x0160_0000 | 0x1000 | PS | P | RW);
    expect(tr(m.cpu, LIN, READ)).toBe(0x160_1ABC);
  });

  it('a 1-GByte page (PDPTE.PS = 1): PA = PDPTE[51:30] : linear[29:0] (Table 4-16)', () => {
    const m = setup();
    w64(m, 0x11000 + 1 * 8, 0x4000_0000 | PS | P | RW, 0x2); // 2_40000000h
    expect(tr(m.cpu, LIN, READ)).toBe(0x2_4020_1ABC);
  });

  it('reserved bits: PS in a PML4E, bits 29:13 of a 1-GByte PDPTE, bits 20:13 of a 2-MByte PDE (4.5.4)', () => {
    const m = setup();
    w64(m, 0x10000 + 0x100 * 8, 0x11000 | PS | P | RW | US);
    expect(pf(tr(m.cpu, LIN, READ)).code).toBe(EC_P | EC_RSVD);
    const m2 = setup();
    w64(m2, 0x11000 + 1 * 8, 0x4000_0000 | (1 << 13) | PS | P | RW);
    expect(pf(tr(m2.cpu, LIN, WRITE)).code).toBe(EC_P | EC_W | EC_RSVD);
    const m3 = setup();
    w64(m3, 0x12000 + 1 * 8, 0x0160_0000 | (1 << 20) | PS | P | RW);
    expect(pf(tr(m3.cpu, LIN, READ)).code).toBe(EC_P | EC_RSVD);
  });

  it('a PTE address bit at or above MAXPHYADDR (bit 46) is reserved; bits 62:52 are not (Table 4-20)', () => {
    const m = setup();
    w64(m, 0x13000 + 1 * 8, 0x0088_8000 | P | RW | US, 1 << 14);
    expect(pf(tr(m.cpu, LIN, READ)).code).toBe(EC_P | EC_RSVD);
    const m2 = setup();
    w64(m2, 0x13000 + 1 * 8, 0x0088_8000 | P | RW | US, 0x7FF0_0000); // bits 62:52 ignored
    expect(tr(m2.cpu, LIN, READ)).toBe(0x88_8ABC);
  });

  it('5-level paging (CR4.LA57, Ice Lake profile): bits 56:48 select the PML5E (4.5.4)', () => {
    const m = machine('ice-lake-server');
    // Linear 01230000_00201ABCh... bits 56:48 = 123h & 1FFh = 123h: PML5 index 123h, PML4 index 0.
    const lin = 0x0123_0000_0020_1ABCn;
    w64(m, 0x10000 + 0x123 * 8, 0x11000 | P | RW);
    w64(m, 0x11000 + 0 * 8, 0x12000 | P | RW);
    w64(m, 0x12000 + 0 * 8, 0x13000 | P | RW);
    w64(m, 0x13000 + 1 * 8, 0x14000 | P | RW);
    w64(m, 0x14000 + 1 * 8, 0x0099_9000 | P | RW);
    paging(m.cpu, PG | PE, 0x10000, CR4_PAE | CR4_LA57, LME | LMA);
    expect(tr(m.cpu, lin, READ)).toBe(0x99_9ABC);
    expect(r32(m, 0x10000 + 0x123 * 8)).toBe(0x11000 | P | RW | A);
  });
});

describe('access rights (SDM Vol. 3A 4.6) and the page-fault error code (4.7)', () => {
  // 4-level paging; linear 00201000h: PML4 0, PDPT 0, PD 1, PT 1.
  function setup(pte: number, pteHi = 0, opts: { cr0?: number; cr4?: number; efer?: number; pde?: number } = {}): Machine {
    const m = machine();
    w64(m, 0x10000, 0x11000 | P | RW | US);
    w64(m, 0x11000, 0x12000 | P | RW | US);
    w64(m, 0x12000 + 8, 0x13000 | (opts.pde ?? (P | RW | US)));
    w64(m, 0x13000 + 8, 0x0044_4000 | pte, pteHi);
    paging(m.cpu, PG | PE | (opts.cr0 ?? 0), 0x10000, CR4_PAE | (opts.cr4 ?? 0), LME | LMA | NXE | (opts.efer ?? 0));
    return m;
  }
  const LIN = 0x20_1010n;
  function cpl(m: Machine, level: number): void {
    m.cpu.segAttr[2] = (m.cpu.segAttr[2]! & ~0x60) | (level << 5); m.cpu.updateMode();
  }

  it('a user-mode read of a supervisor page: P = 1, U/S = 1 (error code 5)', () => {
    const m = setup(P | RW);
    cpl(m, 3);
    expect(pf(tr(m.cpu, LIN, READ))).toEqual({ code: EC_P | EC_U, address: LIN });
  });

  it('a user-mode write to a read-only user page: error code 7, whatever CR0.WP is', () => {
    const m = setup(P | US);
    cpl(m, 3);
    expect(pf(tr(m.cpu, LIN, WRITE)).code).toBe(EC_P | EC_W | EC_U);
  });

  it('R/W is the AND over all levels: PDE R/W = 0 makes a PTE with R/W = 1 read-only for user mode', () => {
    const m = setup(P | RW | US, 0, { pde: P | US });
    cpl(m, 3);
    expect(tr(m.cpu, LIN, READ)).toBe(0x44_4010);
    expect(pf(tr(m.cpu, LIN, WRITE)).code).toBe(EC_P | EC_W | EC_U);
  });

  it('supervisor writes to read-only pages: allowed with CR0.WP = 0, #PF (P, W/R) with CR0.WP = 1', () => {
    expect(tr(setup(P).cpu, LIN, WRITE)).toBe(0x44_4010);
    expect(pf(tr(setup(P, 0, { cr0: WP }).cpu, LIN, WRITE)).code).toBe(EC_P | EC_W);
  });

  it('execute-disable: a user fetch from an XD page faults with P, U/S and I/D (error code 15h)', () => {
    const m = setup(P | RW | US, 0x8000_0000 | 0);
    cpl(m, 3);
    expect(pf(tr(m.cpu, LIN, EXEC)).code).toBe(EC_P | EC_U | EC_I);
  });

  it('I/D describes the access: a fetch from a not-present page sets it when NXE = 1 (error code 10h)', () => {
    const m = setup(0);
    expect(pf(tr(m.cpu, LIN, EXEC)).code).toBe(EC_I);
  });

  it('SMEP: a supervisor-mode fetch from a user page faults (P, I/D); with SMEP = 0 it is allowed', () => {
    expect(pf(tr(setup(P | US, 0, { cr4: CR4_SMEP }).cpu, LIN, EXEC)).code).toBe(EC_P | EC_I);
    expect(tr(setup(P | US).cpu, LIN, EXEC)).toBe(0x44_4010);
  });

  it('SMAP: supervisor data access to a user page faults with EFLAGS.AC = 0, is allowed with AC = 1 (explicit)', () => {
    const m = setup(P | RW | US, 0, { cr4: CR4_SMAP });
    expect(pf(tr(m.cpu, LIN, READ)).code).toBe(EC_P);
    expect(pf(tr(m.cpu, LIN, WRITE)).code).toBe(EC_P | EC_W);
    m.cpu.flagsValue |= AC_FLAG;
    expect(tr(m.cpu, LIN, READ)).toBe(0x44_4010);
    expect(tr(m.cpu, LIN, WRITE)).toBe(0x44_4010);
  });

  it('SMAP: implicit supervisor-mode accesses to user pages fault even with AC = 1, and at CPL 3 report U/S = 0', () => {
    const m = setup(P | RW | US, 0, { cr4: CR4_SMAP });
    m.cpu.flagsValue |= AC_FLAG;
    expect(pf(tr(m.cpu, LIN, READ, true)).code).toBe(EC_P);
    cpl(m, 3);
    expect(tr(m.cpu, LIN, READ)).toBe(0x44_4010); // an explicit user-mode access is fine
    expect(pf(tr(m.cpu, LIN, READ, true)).code).toBe(EC_P); // implicit: supervisor-mode, U/S = 0
  });

  it('SMAP does not apply to instruction fetches, SMEP not to data accesses', () => {
    expect(tr(setup(P | US, 0, { cr4: CR4_SMAP }).cpu, LIN, EXEC)).toBe(0x44_4010);
    expect(tr(setup(P | US, 0, { cr4: CR4_SMEP }).cpu, LIN, READ)).toBe(0x44_4010);
  });
});

describe('the TLB (SDM Vol. 3A 4.10)', () => {
  function setup(pteFlags = P | RW): Machine {
    const m = machine();
    w64(m, 0x10000, 0x11000 | P | RW);
    w64(m, 0x11000, 0x12000 | P | RW);
    w64(m, 0x12000 + 8, 0x13000 | P | RW);
    w64(m, 0x13000 + 8, 0x0044_4000 | pteFlags);
    w64(m, 0x13000 + 16, 0x0045_5000 | pteFlags);
    paging(m.cpu, PG | PE, 0x10000, CR4_PAE | CR4_PGE, LME | LMA);
    return m;
  }

  it('a write through a translation cached while the page was clean walks again and sets D (4.8, 4.10.2.3)', () => {
    const m = setup();
    tr(m.cpu, 0x20_1000n, READ);
    expect(r32(m, 0x13008) & D).toBe(0);
    const reads = m.cpu.stats.pageWalkReads;
    expect(tr(m.cpu, 0x20_1004n, WRITE)).toBe(0x44_4004);
    expect(m.cpu.stats.pageWalkReads - reads).toBe(4);
    expect(r32(m, 0x13008) & D).toBe(D);
  });

  it('after INVLPG a changed PTE is used (4.10.4.1)', () => {
    const m = setup();
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x44_4000);
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW);
    tlbFlushPage(m.cpu, 0x20_1000, 0);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x77_7000);
  });

  it('INVLPG of any address in a 2-MByte page invalidates every cached part of it (4.10.4.1)', () => {
    const m = setup();
    w64(m, 0x12000 + 2 * 8, 0x0060_0000 | PS | P | RW); // linear 400000h-5FFFFFh
    expect(tr(m.cpu, 0x40_0000n, READ)).toBe(0x60_0000);
    expect(tr(m.cpu, 0x5F_F000n, READ)).toBe(0x7F_F000);
    w64(m, 0x12000 + 2 * 8, 0x00A0_0000 | PS | P | RW);
    tlbFlushPage(m.cpu, 0x40_0000, 0);
    expect(tr(m.cpu, 0x5F_F000n, READ)).toBe(0xBF_F000);
  });

  it('MOV to CR3 without PCIDs invalidates non-global translations: a changed PTE is used afterwards (4.10.4.1)', () => {
    const m = setup();
    tr(m.cpu, 0x20_1000n, READ);
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW);
    writeCr3(m.cpu, 0x10000);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x77_7000);
  });

  it('global translations (G = 1, CR4.PGE = 1) survive MOV to CR3; changing CR4.PGE drops them (4.10.2.4, 4.10.4.1)', () => {
    const m = setup(P | RW | G);
    tr(m.cpu, 0x20_1000n, READ);
    const reads = m.cpu.stats.pageWalkReads;
    writeCr3(m.cpu, 0x10000);
    tr(m.cpu, 0x20_1000n, READ); // the model keeps the global entry: no walk (retention is permitted, 4.10.2.4)
    expect(m.cpu.stats.pageWalkReads).toBe(reads);
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW | G);
    writeCr4(m.cpu, CR4_PAE); // PGE 1 -> 0: every entry goes
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x77_7000);
  });

  it('PCIDs: translations are tagged; MOV to CR3 with bit 63 = 1 does not invalidate (4.10.1, 4.10.4.1)', () => {
    const m = setup();
    writeCr4(m.cpu, CR4_PAE | CR4_PGE | CR4_PCIDE);
    // A second hierarchy at 20000h maps 201000h to 999000h, used with PCID 1.
    w64(m, 0x20000, 0x11000 | P | RW);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x44_4000); // PCID 0
    writeCr3(m.cpu, 0x20000 | 1, 0x8000_0000 | 0); // PCID 1, no flush
    expect(m.cpu.cr3Hi).toBe(0); // bit 63 is not stored
    w64(m, 0x21000, 0x22000 | P | RW);
    w64(m, 0x20000, 0x21000 | P | RW);
    w64(m, 0x22000 + 8, 0x23000 | P | RW);
    w64(m, 0x23000 + 8, 0x0099_9000 | P | RW);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x99_9000); // not PCID 0's translation
    const reads = m.cpu.stats.pageWalkReads;
    writeCr3(m.cpu, 0x10000, 0x8000_0000 | 0); // back to PCID 0 without flushing
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x44_4000);
    expect(m.cpu.stats.pageWalkReads).toBe(reads); // PCID 0's translation was kept (permitted, 4.10.2.4)
  });

  it('INVPCID individual-address and single-context invalidate only the named PCID (SDM Vol. 2 INVPCID)', () => {
    const m = setup();
    writeCr4(m.cpu, CR4_PAE | CR4_PGE | CR4_PCIDE);
    tr(m.cpu, 0x20_1000n, READ);
    w64(m, 0x13000 + 8, 0x0077_7000 | P | RW);
    tlbFlushAddressPcid(m.cpu, 0x20_1000, 0, 0);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x77_7000);
    w64(m, 0x13000 + 8, 0x0078_8000 | P | RW);
    tlbFlushPcid(m.cpu, 0);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x78_8000);
  });

  it('a page fault invalidates the translation of its address: a fixed PTE is used right after (4.10.4.1)', () => {
    const m = setup(P);
    m.cpu.cr0 |= WP; tlbFlushAll(m.cpu);
    expect(tr(m.cpu, 0x20_1000n, READ)).toBe(0x44_4000);
    expect(pf(tr(m.cpu, 0x20_1000n, WRITE)).code).toBe(EC_P | EC_W);
    w64(m, 0x13000 + 8, 0x0044_4000 | P | RW);
    expect(tr(m.cpu, 0x20_1000n, WRITE)).toBe(0x44_4000);
  });
});

describe('no paging (SDM Vol. 3A 4.1.1)', () => {
  it('with CR0.PG = 0 a linear address is the physical address', () => {
    const m = machine();
    expect(tr(m.cpu, 0x1234_5678n, WRITE)).toBe(0x1234_5678);
  });

  it('Fault subclasses stay Faults for the run loop', () => {
    expect(new PageFault(0, 0, 0)).toBeInstanceOf(Fault);
  });
});
