// Placing a flat program in RAM and starting a processor in the mode it was written for, without
// firmware: the loader writes memory and processor state directly, as a debugger or VMM would.
import type { Cpu } from '../cpu/cpu.js';
import { CS, DS, ES, FS, GS, SS } from '../cpu/registers.js';
import { tlbFlushAll } from '../cpu/mmu.js';
import { invalidateFetch } from '../cpu/decode.js';
import type { Machine } from './machine.js';

export type LoadMode = 'real' | 'prot32' | 'long64';

export interface FlatLoad {
  /** Physical (and, with the identity map, linear) address of the first byte. */
  readonly load: number;
  /** Address execution starts at (linear; in real mode CS:IP is derived from it). */
  readonly entry: number;
  readonly mode: LoadMode;
  /** Initial stack pointer (default FFFEh in real mode, 80000h otherwise). */
  readonly stack?: number;
}

/** Access rights in the VMCS format (SDM 25.4.1): type, S, DPL, P, L, D/B, G. */
const CODE32 = 0xC09B, DATA32 = 0xC093, CODE64 = 0xA09B, CODE16 = 0x9B, DATA16 = 0x93;

/**
 * Identity-mapped 4-level paging for the first 4 GiB with 2 MiB pages (SDM Vol. 3A 4.5): one PML4
 * page, one PDPT page and four page directories, 6 pages placed at `base`.
 */
export function buildIdentityPaging(machine: Machine, base: number): number {
  const mem = machine.memory;
  const pml4 = base, pdpt = base + 0x1000, pd = base + 0x2000;
  mem.write64(pml4, BigInt(pdpt) | 0x3n); // present, writable
  for (let i = 0; i < 4; i++) {
    mem.write64(pdpt + i * 8, BigInt(pd + i * 0x1000) | 0x3n);
    for (let j = 0; j < 512; j++) {
      const addr = BigInt(i) * 0x4000_0000n + BigInt(j) * 0x20_0000n;
      mem.write64(pd + i * 0x1000 + j * 8, addr | 0x83n); // present, writable, 2 MiB page (PS)
    }
  }
  return pml4;
}

/** Where the loader puts its page tables: the last 24 KiB of RAM below 4 GiB. */
export function pagingBase(machine: Machine): number {
  return Math.min(machine.memory.size, 0x1_0000_0000) - 6 * 0x1000;
}

export function loadFlat(machine: Machine, bytes: Uint8Array, options: FlatLoad): void {
  if (bytes.length === 0) throw new RangeError('the image is empty');
  if (options.load + bytes.length > machine.memory.size) {
    throw new RangeError(`the image (${bytes.length} bytes at ${options.load.toString(16)}h) does not fit in RAM (${machine.memory.size} bytes)`);
  }
  machine.memory.load(options.load, bytes);
  startIn(machine, machine.cpu, options);
}

function startIn(machine: Machine, cpu: Cpu, o: FlatLoad): void {
  const stack = o.stack ?? (o.mode === 'real' ? 0xFFFE : 0x8_0000);
  cpu.lo[4] = stack | 0; cpu.hi[4] = 0;
  cpu.ripHi = 0;
  switch (o.mode) {
    case 'real': {
      // CS:IP with IP as small as possible: CS = entry / 16 rounded down to a 64 KiB-aligned base.
      if (o.entry >= 0x10_0000) throw new RangeError(`a real-mode entry must be below 1 MiB (got ${o.entry.toString(16)}h)`);
      const base = o.entry & 0xF_0000;
      cpu.cr0 = 0x6000_0010;
      cpu.loadSegmentRaw(CS, base >>> 4, base, 0, 0xFFFF, CODE16);
      for (const s of [DS, ES, SS, FS, GS]) cpu.loadSegmentRaw(s, base >>> 4, base, 0, 0xFFFF, DATA16);
      cpu.ripLo = o.entry - base;
      break;
    }
    case 'prot32':
      cpu.cr0 = 0x0000_0011; // PE, ET
      cpu.loadSegmentRaw(CS, 0x08, 0, 0, 0xFFFF_FFFF, CODE32);
      for (const s of [DS, ES, SS, FS, GS]) cpu.loadSegmentRaw(s, 0x10, 0, 0, 0xFFFF_FFFF, DATA32);
      cpu.ripLo = o.entry | 0;
      break;
    case 'long64': {
      const pml4 = buildIdentityPaging(machine, pagingBase(machine));
      cpu.cr3Lo = pml4 | 0; cpu.cr3Hi = 0;
      cpu.cr4 = 1 << 5; // PAE
      cpu.efer = (1 << 8) | (1 << 10) | (1 << 0); // LME, LMA, SCE
      cpu.cr0 = 0x8000_0011 | 0; // PG, PE, ET
      cpu.loadSegmentRaw(CS, 0x08, 0, 0, 0xFFFF_FFFF, CODE64);
      for (const s of [DS, ES, SS, FS, GS]) cpu.loadSegmentRaw(s, 0x10, 0, 0, 0xFFFF_FFFF, DATA32);
      cpu.ripLo = o.entry | 0;
      break;
    }
  }
  cpu.updateMode();
  tlbFlushAll(cpu);
  invalidateFetch(cpu);
}
