// String instructions: MOVS, STOS, LODS, SCAS, CMPS in byte, word, doubleword and quadword sizes,
// with REP, REPE and REPNE (SDM Vol. 2 MOVS/STOS/LODS/SCAS/CMPS, REP/REPE/REPZ/REPNE/REPNZ).
//
// The source is seg:(E/R)SI with DS by default (a segment prefix may change it); the destination is
// always ES:(E/R)DI. The address size (16, 32 or 64 bits, after a 67h prefix) decides which of SI,
// ESI or RSI, DI/EDI/RDI and the count CX/ECX/RCX are used; a 32-bit register update in 64-bit mode
// clears bits 63:32 like any 32-bit register write. DF = 1 makes the pointers decrease.
//
// Restartability (SDM Vol. 2 REP, Vol. 3A 6.6): the registers show every completed iteration, so a
// fault in the middle of a repeated string instruction leaves RSI/RDI/RCX at the faulting element
// with RIP at the instruction. The model also stops a repeated instruction (RIP unchanged, so it
// continues where it left off) after REP_CHUNK iterations or when an event may have become
// deliverable, as the processor lets interrupts in between iterations; each such slice counts as an
// instruction retired.
//
// REPNE (F2) before MOVS, STOS or LODS repeats like REP, as processors do (the SDM reserves it).
import { Mnemonic, OpKind } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { readSized, writeSized } from '../access.js';
import { DF, FlagOp, recordFlags, recordFlags64 } from '../flags.js';
import { ES, RAX, RCX, RDI, RSI } from '../registers.js';
import { maskOf, memSegment } from './helpers.js';

const enum S { Movs, Stos, Lods, Scas, Cmps }

/** Iterations of a repeated string instruction before the model lets the run loop look at events and budgets. */
export const REP_CHUNK = 65536;

const TWO32 = 0x1_0000_0000;

function isStringForm(v: InstrView): boolean {
  return v.opKinds.some((k) => k >= OpKind.MemorySegSI && k <= OpKind.MemoryESRDI);
}

function stringBuilder(kind: S, size: 1 | 2 | 4 | 8) {
  return (v: InstrView): Exec | undefined => {
    // MOVSD and CMPSD are also SSE2 mnemonics: only the string forms are built here.
    if (!isStringForm(v)) return undefined;
    const as = v.addressSize === 64 ? 8 : v.addressSize === 32 ? 4 : 2;
    const seg = memSegment(v);
    const compare = kind === S.Scas || kind === S.Cmps;
    const repeat = v.rep || v.repne;
    // REPE stops on ZF = 0 (unequal), REPNE on ZF = 1 (equal); only CMPS and SCAS test ZF.
    const stopWhenEqual = compare && v.repne;
    const stopWhenUnequal = compare && v.repe;
    const usesSi = kind === S.Movs || kind === S.Lods || kind === S.Cmps;
    const usesDi = kind !== S.Lods;
    const m = maskOf(size);
    const step = size;

    return (cpu: Cpu) => {
      // Local copies of the pointers and the count (offsets at the address size).
      let siLo: number, siHi: number, diLo: number, diHi: number, cLo: number, cHi: number;
      if (as === 2) {
        siLo = cpu.lo[RSI]! & 0xFFFF; diLo = cpu.lo[RDI]! & 0xFFFF; cLo = cpu.lo[RCX]! & 0xFFFF;
        siHi = diHi = cHi = 0;
      } else if (as === 4) {
        siLo = cpu.lo[RSI]!; diLo = cpu.lo[RDI]!; cLo = cpu.lo[RCX]!;
        siHi = diHi = cHi = 0;
      } else {
        siLo = cpu.lo[RSI]!; siHi = cpu.hi[RSI]!; diLo = cpu.lo[RDI]!; diHi = cpu.hi[RDI]!;
        cLo = cpu.lo[RCX]!; cHi = cpu.hi[RCX]!;
      }
      if (repeat && (cLo | cHi) === 0) return; // a count of 0: nothing happens
      const delta = (cpu.flagsValue & DF) !== 0 ? -step : step;
      const accLo = cpu.lo[RAX]! & m, accHi = size === 8 ? cpu.hi[RAX]! : 0;
      let done = 0;
      try {
        for (;;) {
          // One element.
          let a = 0, ah = 0, b = 0, bh = 0;
          switch (kind) {
            case S.Movs:
              a = readSized(cpu, seg, siLo, siHi, size); ah = cpu.vhi;
              writeSized(cpu, ES, diLo, diHi, size, a, ah);
              break;
            case S.Stos:
              writeSized(cpu, ES, diLo, diHi, size, accLo, accHi);
              break;
            case S.Lods:
              a = readSized(cpu, seg, siLo, siHi, size); ah = cpu.vhi;
              if (size === 1) cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFF) | a;
              else if (size === 2) cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | a;
              else { cpu.lo[RAX] = a; cpu.hi[RAX] = size === 8 ? ah : 0; }
              break;
            case S.Scas:
              a = accLo; ah = accHi;
              b = readSized(cpu, ES, diLo, diHi, size); bh = cpu.vhi;
              break;
            default: // Cmps: [SI] - [DI]
              a = readSized(cpu, seg, siLo, siHi, size); ah = cpu.vhi;
              b = readSized(cpu, ES, diLo, diHi, size); bh = cpu.vhi;
          }
          if (compare) {
            if (size === 8) {
              const d = (a >>> 0) - (b >>> 0);
              recordFlags64(cpu, FlagOp.Sub, a, ah, b, bh, d | 0, (ah - bh - (d < 0 ? 1 : 0)) | 0);
            } else {
              recordFlags(cpu, FlagOp.Sub, size, a, b, (a - b) | 0);
            }
          }
          // The element is complete: advance the pointers (and the count).
          if (usesSi) {
            if (as === 8) { const s = (siLo >>> 0) + delta; siLo = s | 0; siHi = (siHi + Math.floor(s / TWO32)) | 0; }
            else siLo = as === 4 ? (siLo + delta) | 0 : (siLo + delta) & 0xFFFF;
          }
          if (usesDi) {
            if (as === 8) { const s = (diLo >>> 0) + delta; diLo = s | 0; diHi = (diHi + Math.floor(s / TWO32)) | 0; }
            else diLo = as === 4 ? (diLo + delta) | 0 : (diLo + delta) & 0xFFFF;
          }
          done++;
          if (!repeat) break;
          if (as === 8 && cLo === 0) cHi = (cHi - 1) | 0;
          cLo = as === 2 ? (cLo - 1) & 0xFFFF : (cLo - 1) | 0;
          if ((cLo | cHi) === 0) break;
          if (compare) {
            const equal = size === 8 ? a === b && ah === bh : ((a ^ b) & m) === 0;
            if (stopWhenEqual ? equal : stopWhenUnequal && !equal) break;
          }
          if (done >= REP_CHUNK || cpu.eventCheck) {
            // Not finished: run this instruction again from where it stopped.
            cpu.nextLo = cpu.ripLo; cpu.nextHi = cpu.ripHi;
            break;
          }
        }
      } finally {
        if (done > 0) {
          if (as === 2) {
            if (usesSi) cpu.lo[RSI] = (cpu.lo[RSI]! & ~0xFFFF) | siLo;
            if (usesDi) cpu.lo[RDI] = (cpu.lo[RDI]! & ~0xFFFF) | diLo;
            if (repeat) cpu.lo[RCX] = (cpu.lo[RCX]! & ~0xFFFF) | cLo;
          } else {
            if (usesSi) { cpu.lo[RSI] = siLo; cpu.hi[RSI] = siHi; }
            if (usesDi) { cpu.lo[RDI] = diLo; cpu.hi[RDI] = diHi; }
            if (repeat) { cpu.lo[RCX] = cLo; cpu.hi[RCX] = cHi; }
          }
        }
      }
    };
  };
}

const FORMS: [Mnemonic, S, 1 | 2 | 4 | 8][] = [
  [Mnemonic.Movsb, S.Movs, 1], [Mnemonic.Movsw, S.Movs, 2], [Mnemonic.Movsd, S.Movs, 4], [Mnemonic.Movsq, S.Movs, 8],
  [Mnemonic.Stosb, S.Stos, 1], [Mnemonic.Stosw, S.Stos, 2], [Mnemonic.Stosd, S.Stos, 4], [Mnemonic.Stosq, S.Stos, 8],
  [Mnemonic.Lodsb, S.Lods, 1], [Mnemonic.Lodsw, S.Lods, 2], [Mnemonic.Lodsd, S.Lods, 4], [Mnemonic.Lodsq, S.Lods, 8],
  [Mnemonic.Scasb, S.Scas, 1], [Mnemonic.Scasw, S.Scas, 2], [Mnemonic.Scasd, S.Scas, 4], [Mnemonic.Scasq, S.Scas, 8],
  [Mnemonic.Cmpsb, S.Cmps, 1], [Mnemonic.Cmpsw, S.Cmps, 2], [Mnemonic.Cmpsd, S.Cmps, 4], [Mnemonic.Cmpsq, S.Cmps, 8],
];
for (const [mn, kind, size] of FORMS) registerBuilder(mn, stringBuilder(kind, size));
