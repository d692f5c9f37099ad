// Undefined bits of the VM-exit instruction-information field (SDM 28.2.5), worked out by hand from the
// SDM's tables: a case must not expect values there.
import { describe, expect, it } from 'vitest';
import { undefinedInformationBits } from './instruction-information.js';

describe('undefined instruction-information bits (SDM 28.2.5)', () => {
  it('VMREAD with a register operand (bit 10 = 1): only reg1 (6:3), bit 10 and reg2 (31:28) are defined', () => {
    expect(undefinedInformationBits(23, 0x2000_0400, { mode64: true, instructions: ['vmread rax, rdx'] })).toBe(0x0FFF_FB87);
  });

  it('VMREAD with a memory operand (bit 10 = 0) and no index (bit 22 = 1): scaling and the index register are undefined', () => {
    // Scaling 1:0 and index 21:18 (bit 22 set), reg1 6:3 (bit 10 clear), bit 2 and bits 14:11 (no field) are undefined.
    expect(undefinedInformationBits(23, 0x2341_8100, { mode64: true, instructions: ['vmread qword [rsi+8], rdx'] })).toBe(0x003C_787F);
  });

  it('INS: only the address size (9:7) is defined; OUTS adds the segment register (17:15)', () => {
    expect(undefinedInformationBits(30, 0x80, { mode64: true, instructions: ['insd'] })).toBe(0xFFFF_FC7F);
    expect(undefinedInformationBits(30, 0x1_8100, { mode64: true, instructions: ['rep outsb'] })).toBe(0xFFFC_7C7F);
  });

  it('LGDT-class exits: the operand size (bit 11) is undefined in 64-bit mode only', () => {
    const in64 = undefinedInformationBits(46, 0x3041_8100, { mode64: true, instructions: ['lidt [rax]'] });
    const in32 = undefinedInformationBits(46, 0x3041_8100, { mode64: false, instructions: ['lidt [eax]'] });
    expect(in64 & 0x800).toBe(0x800);
    expect(in32 & 0x800).toBe(0);
  });
});
