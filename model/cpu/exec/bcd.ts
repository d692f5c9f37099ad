// Decimal arithmetic adjustments: DAA, DAS, AAA, AAS, AAM, AAD (SDM Vol. 2). All are invalid in
// 64-bit mode (the decoder makes them #UD there). AAM with an immediate of 0 is #DE.
//
// Undefined flags, and what this model produces: OF after DAA/DAS and OF, AF, CF after AAM/AAD
// are 0; after AAA/AAS (OF, SF, ZF, PF undefined) SF, ZF and PF follow the final AL and OF is 0.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { DE, Fault } from '../fault.js';
import { AF, CF, getAF, getCF, recordResult } from '../flags.js';
import { RAX } from '../registers.js';

function setAl(cpu: Cpu, al: number): void {
  cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFF) | (al & 0xFF);
}

function setAx(cpu: Cpu, ax: number): void {
  cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFFFF) | (ax & 0xFFFF);
}

// DAA (SDM Vol. 2 DAA)
registerBuilder(Mnemonic.Daa, () => (cpu) => {
  const oldAl = cpu.lo[RAX]! & 0xFF, oldCf = getCF(cpu);
  let al = oldAl, cf = 0, af = 0;
  if ((al & 0xF) > 9 || getAF(cpu) === 1) {
    al += 6;
    cf = oldCf | (al > 0xFF ? 1 : 0);
    al &= 0xFF;
    af = 1;
  }
  if (oldAl > 0x99 || oldCf === 1) { al = (al + 0x60) & 0xFF; cf = 1; } else cf = 0;
  setAl(cpu, al);
  recordResult(cpu, 1, al, 0, cf | (af ? AF : 0));
});

// DAS (SDM Vol. 2 DAS)
registerBuilder(Mnemonic.Das, () => (cpu) => {
  const oldAl = cpu.lo[RAX]! & 0xFF, oldCf = getCF(cpu);
  let al = oldAl, cf = 0, af = 0;
  if ((al & 0xF) > 9 || getAF(cpu) === 1) {
    cf = oldCf | (al < 6 ? 1 : 0);
    al = (al - 6) & 0xFF;
    af = 1;
  }
  if (oldAl > 0x99 || oldCf === 1) { al = (al - 0x60) & 0xFF; cf = 1; }
  setAl(cpu, al);
  recordResult(cpu, 1, al, 0, cf | (af ? AF : 0));
});

// AAA (SDM Vol. 2 AAA): AX + 106h when the low digit needs adjusting, then AL keeps its low nibble
registerBuilder(Mnemonic.Aaa, () => (cpu) => {
  const ax = cpu.lo[RAX]! & 0xFFFF;
  const adjust = (ax & 0xF) > 9 || getAF(cpu) === 1;
  const r = adjust ? (ax + 0x106) & 0xFFFF : ax;
  setAx(cpu, r & 0xFF0F);
  recordResult(cpu, 1, r & 0x0F, 0, adjust ? CF | AF : 0);
});

// AAS (SDM Vol. 2 AAS): AX - 6 and AH - 1 when the low digit needs adjusting, then AL keeps its low nibble
registerBuilder(Mnemonic.Aas, () => (cpu) => {
  const ax = cpu.lo[RAX]! & 0xFFFF;
  const adjust = (ax & 0xF) > 9 || getAF(cpu) === 1;
  let r = ax;
  if (adjust) {
    r = (ax - 6) & 0xFFFF;
    r = (r - 0x100) & 0xFFFF;
  }
  setAx(cpu, r & 0xFF0F);
  recordResult(cpu, 1, r & 0x0F, 0, adjust ? CF | AF : 0);
});

// AAM imm8 (SDM Vol. 2 AAM): AH = AL / imm8, AL = AL mod imm8; #DE for imm8 = 0
registerBuilder(Mnemonic.Aam, (v: InstrView): Exec => {
  const base = Number(v.imms[0]! & 0xFFn);
  return (cpu) => {
    if (base === 0) throw new Fault(DE);
    const al = cpu.lo[RAX]! & 0xFF;
    const q = Math.floor(al / base), r = al - q * base;
    setAx(cpu, (q << 8) | r);
    recordResult(cpu, 1, r, 0, 0);
  };
});

// AAD imm8 (SDM Vol. 2 AAD): AL = (AL + AH * imm8) AND FFh, AH = 0
registerBuilder(Mnemonic.Aad, (v: InstrView): Exec => {
  const base = Number(v.imms[0]! & 0xFFn);
  return (cpu) => {
    const ax = cpu.lo[RAX]!;
    const al = ((ax & 0xFF) + ((ax >>> 8) & 0xFF) * base) & 0xFF;
    setAx(cpu, al);
    recordResult(cpu, 1, al, 0, 0);
  };
});
