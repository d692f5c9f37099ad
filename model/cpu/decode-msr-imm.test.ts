// The MSR-access encodings checked against bytes an independent assembler produces: the GNU binutils gas
// testsuite's x86-64-user_msr.d and x86-64-msr_imm.d (objdump of the SDM Vol. 2 URDMSR, UWRMSR, RDMSR and
// WRMSRNS immediate and register forms). The other tests of these forms encode their bytes with this
// project's own helpers, so an encoding mistake made twice would pass there; these bytes come from outside.
import { describe, expect, it } from 'vitest';
import { decodeMsrAccess, msrAccessText } from './decode-msr-imm.js';

const RAX = 0, RDX = 2, R12 = 12, R14 = 14;
const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

describe('MSR-access encodings (SDM Vol. 2 URDMSR, UWRMSR, RDMSR, WRMSRNS; bytes from binutils gas tests)', () => {
  it('URDMSR r64, r64 (F2 0F 38 F8 /r): ModRM.reg names the MSR, ModRM.rm receives it', () => {
    // "urdmsr %r14,%r12" (AT&T: MSR address in R14, destination R12) = f2 45 0f 38 f8 f4
    expect(decodeMsrAccess(64, hex('f2 45 0f 38 f8 f4'))).toEqual({ form: 'urdmsr-reg', length: 6, dataReg: R12, indexReg: R14, imm: 0 });
    // "urdmsr %rdx,%rax" = f2 0f 38 f8 d0
    expect(decodeMsrAccess(64, hex('f2 0f 38 f8 d0'))).toEqual({ form: 'urdmsr-reg', length: 5, dataReg: RAX, indexReg: RDX, imm: 0 });
  });

  it('UWRMSR r64, r64 (F3 0F 38 F8 /r): ModRM.reg names the MSR, ModRM.rm supplies the value', () => {
    // "uwrmsr %r12,%r14" (AT&T: value in R12, MSR address in R14) = f3 45 0f 38 f8 f4
    expect(decodeMsrAccess(64, hex('f3 45 0f 38 f8 f4'))).toEqual({ form: 'uwrmsr-reg', length: 6, dataReg: R12, indexReg: R14, imm: 0 });
    // "uwrmsr %r12,%rdx" = f3 41 0f 38 f8 d4
    expect(decodeMsrAccess(64, hex('f3 41 0f 38 f8 d4'))).toEqual({ form: 'uwrmsr-reg', length: 6, dataReg: R12, indexReg: RDX, imm: 0 });
  });

  it('URDMSR/UWRMSR with imm32 (VEX.128.F2/F3.M7.W0 F8 /0 id)', () => {
    // "urdmsr $0x3120f0f,%r12" = c4 c7 7b f8 c4 0f 0f 12 03
    const urd = decodeMsrAccess(64, hex('c4 c7 7b f8 c4 0f 0f 12 03'));
    expect(urd).toEqual({ form: 'urdmsr-imm', length: 9, dataReg: R12, indexReg: -1, imm: 0x3120F0F });
    expect(msrAccessText(urd!)).toBe('urdmsr r12, 0x3120F0F');
    // "urdmsr $0x80000000,%r12" = c4 c7 7b f8 c4 00 00 00 80 (the imm32 is zero-extended)
    expect(decodeMsrAccess(64, hex('c4 c7 7b f8 c4 00 00 00 80'))).toMatchObject({ form: 'urdmsr-imm', imm: 0x8000_0000 });
    // "uwrmsr %rax,$0x3120f0f" = c4 e7 7a f8 c0 0f 0f 12 03
    expect(decodeMsrAccess(64, hex('c4 e7 7a f8 c0 0f 0f 12 03'))).toEqual({ form: 'uwrmsr-imm', length: 9, dataReg: RAX, indexReg: -1, imm: 0x3120F0F });
  });

  it('RDMSR r64, imm32 and WRMSRNS imm32, r64 (VEX.128.F2/F3.M7.W0 F6 /0 id)', () => {
    // "rdmsr $0x7fff,%r12" = c4 c7 7b f6 c4 ff 7f 00 00
    expect(decodeMsrAccess(64, hex('c4 c7 7b f6 c4 ff 7f 00 00'))).toEqual({ form: 'rdmsr-imm', length: 9, dataReg: R12, indexReg: -1, imm: 0x7FFF });
    // "wrmsrns %r12,$0x80000000" = c4 c7 7a f6 c4 00 00 00 80
    expect(decodeMsrAccess(64, hex('c4 c7 7a f6 c4 00 00 00 80'))).toEqual({ form: 'wrmsrns-imm', length: 9, dataReg: R12, indexReg: -1, imm: 0x8000_0000 });
  });

  it('the same bytes are not these instructions outside 64-bit mode (binutils rejects them in 32-bit code)', () => {
    expect(decodeMsrAccess(32, hex('f2 0f 38 f8 d0'))).toBeUndefined();
    expect(decodeMsrAccess(32, hex('c4 c7 7b f6 c4 ff 7f 00 00'))).toBeUndefined();
  });
});
