// Instructions on individual flags: CLC, STC, CMC, CLD, STD, LAHF, SAHF (SDM Vol. 2). CLI/STI,
// which depend on privilege and may open an interrupt window, are in exec/system.
import { Mnemonic } from 'iced-x86';
import { registerBuilder } from '../decode.js';
import { AF, CF, DF, PF, SF, ZF, getCF, readFlags, setFlag, writeFlags } from '../flags.js';
import { RAX } from '../registers.js';

registerBuilder(Mnemonic.Clc, () => (cpu) => setFlag(cpu, CF, false)); // SDM Vol. 2 CLC
registerBuilder(Mnemonic.Stc, () => (cpu) => setFlag(cpu, CF, true)); // SDM Vol. 2 STC
registerBuilder(Mnemonic.Cmc, () => (cpu) => setFlag(cpu, CF, getCF(cpu) === 0)); // SDM Vol. 2 CMC
registerBuilder(Mnemonic.Cld, () => (cpu) => setFlag(cpu, DF, false)); // SDM Vol. 2 CLD
registerBuilder(Mnemonic.Std, () => (cpu) => setFlag(cpu, DF, true)); // SDM Vol. 2 STD

/** The flags LAHF and SAHF move: SF ZF AF PF CF, at their positions in the low byte (bit 1 reads as 1). */
const LOW_FLAGS = SF | ZF | AF | PF | CF;

// LAHF: AH = SF:ZF:0:AF:0:PF:1:CF (SDM Vol. 2 LAHF)
registerBuilder(Mnemonic.Lahf, () => (cpu) => {
  const ah = (readFlags(cpu) & LOW_FLAGS) | 2;
  cpu.lo[RAX] = (cpu.lo[RAX]! & ~0xFF00) | (ah << 8);
});

// SAHF: SF ZF AF PF CF = AH bits 7, 6, 4, 2, 0 (SDM Vol. 2 SAHF)
registerBuilder(Mnemonic.Sahf, () => (cpu) => writeFlags(cpu, (cpu.lo[RAX]! >>> 8) & 0xFF, LOW_FLAGS));
