// Exception and interrupt delivery (SDM Vol. 3A chapter 6; real mode 20.1.4): the vector, the frame
// pushed (error code, return address, flags, stack switch), IST, #DF and triple fault, in real,
// protected and IA-32e mode. Expected frames are laid out by hand from Figures 6-4 and 6-9.
import { describe, expect, it } from 'vitest';
import {
  Assembler, ax, bp, bx, cr2, cr0, cr3, cr4, cx, dword, dx, eax, ebx, ecx, edi, edx, esi, esp, qword, r12, r13, r14d, r15d,
  r8, r8d, r9d, r11, r11d, rax, rbx, rcx, rdi, rdx, rsi, rsp, si, sp, ss, cs, ds, word,
} from '../../conformance/asm/index.js';
import type { Machine } from '../machine/machine.js';
import { Activity } from './cpu.js';
import {
  CODE_BASE, IST1_STACK, L64, P32, REAL_CODE_BASE, RING0_STACK, assemble, gate32, gate64, long64, machineIn, protected32, reg64,
  setGate, u32,
} from '../../conformance/harness/cpu.js';
import { DS, SS } from './registers.js';

const INT_GATE = 0xE, TRAP_GATE = 0xF;
const RF = 1 << 16, IF = 1 << 9;

function run(m: Machine, budget = 10_000): string {
  return m.run(budget).end;
}

describe('real-address mode (SDM Vol. 3A 20.1.4)', () => {
  function program(withIret: boolean): { m: Machine; at: (l: string) => number } {
    const a = new Assembler(16);
    a.stc(); a.sti();
    a.int_(0x21);
    a.label('after'); a.hlt();
    a.label('handler');
    if (withIret) { a.mov(dx, 0x55); a.iret(); } else {
      a.mov(bp, sp); a.mov(ax, word(bp)); a.mov(bx, word(bp, 2)); a.mov(cx, word(bp, 4));
      a.pushf(); a.pop(dx); a.hlt();
    }
    const { bytes, at } = assemble(a, REAL_CODE_BASE);
    const m = machineIn('real', { code: bytes });
    m.memory.write16(0x21 * 4, at('handler')); // IVT entry 21h: IP, then CS = 0
    m.memory.write16(0x21 * 4 + 2, 0);
    return { m, at };
  }

  it('INT n pushes FLAGS, CS, IP (of the next instruction), clears IF and TF, and jumps through the IVT', () => {
    const { m, at } = program(false);
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(c.lo[0]! & 0xFFFF).toBe(at('after'));
    expect(c.lo[3]! & 0xFFFF).toBe(0);
    expect(c.lo[1]! & (IF | 1)).toBe(IF | 1); // the saved FLAGS: IF and CF as they were
    expect(c.lo[2]! & (IF | 0x100)).toBe(0); // inside the handler: IF = TF = 0
    expect(c.lo[4]! & 0xFFFF).toBe(0xFFFE - 6);
  });

  it('IRET pops IP, CS and FLAGS: execution resumes after INT with IF restored', () => {
    const { m, at } = program(true);
    expect(run(m)).toBe('hlt');
    expect(m.cpu.ripLo).toBe(at('after') + 1); // halted after the HLT at 'after' (CS base 0: IP = linear)
    expect(m.cpu.lo[2]! & 0xFFFF).toBe(0x55);
    expect(m.cpu.flagsValue & IF).toBe(IF);
    expect(m.cpu.lo[4]! & 0xFFFF).toBe(0xFFFE);
  });
});

describe('protected-mode delivery (SDM Vol. 3A 6.12)', () => {
  function setup(build: (a: Assembler) => void, gates: (at: (l: string) => number, m: Machine) => void): { m: Machine; at: (l: string) => number } {
    const a = new Assembler(32);
    build(a);
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('prot32', { code: bytes });
    protected32(m);
    gates(at, m);
    return { m, at };
  }

  it('#NP(selector) through an interrupt gate: error code, EIP of the faulting instruction, CS, EFLAGS with RF = 1', () => {
    const { m, at } = setup((a) => {
      a.mov(eax, P32.dataNotPresent);
      a.label('fault'); a.mov(ds, eax);
      a.hlt();
      a.label('np'); a.pop(eax); a.mov(ebx, dword(esp)); a.mov(ecx, dword(esp, 4)); a.mov(edx, dword(esp, 8)); a.mov(esi, esp); a.hlt();
    }, (at, m) => setGate(m, 11, gate32(at('np'), P32.code0, INT_GATE)));
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(u32(c.lo[0]!)).toBe(P32.dataNotPresent); // error code: the selector, EXT = 0 (6.13)
    expect(u32(c.lo[3]!)).toBe(at('fault'));
    expect(u32(c.lo[1]!)).toBe(P32.code0);
    expect(u32(c.lo[2]!) & (RF | 2)).toBe(RF | 2); // faults push RF = 1 (17.3.1.1)
    expect(u32(c.lo[6]!)).toBe(0x8_0000 - 12); // 16-byte frame, error code popped
  });

  /** CPL 0 code that enters CPL 3 at 'user' by IRETD (SS:ESP = 23h:70000h). */
  function toUser(a: Assembler, iopl = 0): void {
    a.push(P32.data3 | 3); a.push(0x7_0000); a.push(0x2 | (iopl << 12)); a.push(P32.code3 | 3); a.push(a.addr('user'));
    a.iretd();
  }

  it('INT n from CPL 3 through a DPL-3 gate switches to SS0:ESP0 from the TSS and pushes SS, ESP, EFLAGS, CS, EIP', () => {
    const { m, at } = setup((a) => {
      toUser(a);
      a.label('user'); a.int_(0x80);
      a.label('after'); a.jmp('after');
      a.label('h80');
      a.mov(eax, esp); a.mov(ebx, dword(esp)); a.mov(ecx, dword(esp, 4)); a.mov(edx, dword(esp, 12)); a.mov(esi, dword(esp, 16));
      a.mov(edi, ss); a.hlt();
    }, (at, m) => setGate(m, 0x80, gate32(at('h80'), P32.code0, INT_GATE, 3)));
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(u32(c.lo[0]!)).toBe(RING0_STACK - 20);
    expect(u32(c.lo[3]!)).toBe(at('after'));
    expect(u32(c.lo[1]!)).toBe(P32.code3 | 3);
    expect(u32(c.lo[2]!)).toBe(0x7_0000);
    expect(u32(c.lo[6]!)).toBe(P32.data3 | 3);
    expect(u32(c.lo[7]!) & 0xFFFF).toBe(P32.data0);
    expect(c.cpl).toBe(0);
    // IRETD to CPL 3 made DS (DPL 0 data) null (SDM Vol. 2 IRET); the interrupt leaves it so.
    expect(c.segSel[DS]).toBe(0);
  });

  it('INT n from CPL 3 through a DPL-0 gate: #GP(vector * 8 + 2), EXT = 0 (6.12.1.1, 6.13)', () => {
    const { m } = setup((a) => {
      toUser(a);
      a.label('user'); a.int_(0x81);
      a.label('spin'); a.jmp('spin');
      a.label('gp'); a.pop(eax); a.mov(ebx, esp); a.hlt();
    }, (at, m) => { setGate(m, 0x81, gate32(at('gp'), P32.code0, INT_GATE, 0)); setGate(m, 13, gate32(at('gp'), P32.code0, INT_GATE)); });
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!)).toBe(0x81 * 8 + 2);
    expect(u32(m.cpu.lo[3]!)).toBe(RING0_STACK - 20);
  });

  it('CLI at CPL 3 with IOPL 0 is #GP(0); with IOPL 3 it clears IF (SDM Vol. 2 CLI)', () => {
    const { m } = setup((a) => {
      toUser(a);
      a.label('user'); a.cli();
      a.label('spin'); a.jmp('spin');
      a.label('gp'); a.pop(eax); a.mov(ebx, 0x600D); a.hlt();
    }, (at, m) => setGate(m, 13, gate32(at('gp'), P32.code0, INT_GATE)));
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!)).toBe(0);
    expect(u32(m.cpu.lo[3]!)).toBe(0x600D);
  });

  it('a #PF loads CR2 with the linear address and pushes the error code (write, supervisor, not present: 2) (4.7, 6.15)', () => {
    const { m, at } = setup((a) => {
      // 32-bit paging with 4-MByte pages: PDE 0 maps 0-4 MiB, PDE 2 (8-12 MiB) is not present.
      a.mov(eax, 0x4000); a.mov(cr3, eax);
      a.mov(eax, cr4); a.or_(eax, 0x10); a.mov(cr4, eax);
      a.mov(eax, cr0); a.or_(eax, 0x8000_0000); a.mov(cr0, eax);
      a.label('fault'); a.mov(dword(0x80_0123), 1);
      a.hlt();
      a.label('pf'); a.pop(eax); a.mov(ebx, cr2); a.mov(ecx, dword(esp)); a.hlt();
    }, (at, m) => {
      m.memory.write32(0x4000, 0x83); // PS, R/W, P: identity 0-4 MiB
      setGate(m, 14, gate32(at('pf'), P32.code0, INT_GATE));
    });
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!)).toBe(2);
    expect(u32(m.cpu.lo[3]!)).toBe(0x80_0123);
    expect(u32(m.cpu.lo[1]!)).toBe(at('fault'));
    expect(u32(m.cpu.cr2Lo)).toBe(0x80_0123);
  });

  it('a trap gate leaves IF set, an interrupt gate clears it (6.12.1.3)', () => {
    const { m } = setup((a) => {
      a.sti();
      a.int_(0x40);
      a.label('h40'); a.pushfd(); a.pop(eax); a.int_(0x41);
      a.label('h41'); a.pushfd(); a.pop(ebx); a.hlt();
    }, (at, m) => { setGate(m, 0x40, gate32(at('h40'), P32.code0, TRAP_GATE)); setGate(m, 0x41, gate32(at('h41'), P32.code0, INT_GATE)); });
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!) & IF).toBe(IF);
    expect(u32(m.cpu.lo[3]!) & IF).toBe(0);
  });

  it('a #GP while delivering a #GP becomes #DF with error code 0 (6.15 Table 6-5: contributory then contributory)', () => {
    const { m } = setup((a) => {
      a.mov(eax, 0x400); // beyond the GDT limit: #GP(400h)
      a.mov(ds, eax);
      a.hlt();
      a.label('df'); a.pop(eax); a.mov(ebx, 0xDF); a.hlt();
    }, (at, m) => {
      setGate(m, 13, gate32(at('df'), P32.code0, 0xC)); // a call gate in the IDT is not a valid gate type: #GP(6Bh)
      setGate(m, 8, gate32(at('df'), P32.code0, INT_GATE));
    });
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!)).toBe(0);
    expect(u32(m.cpu.lo[3]!)).toBe(0xDF);
  });

  it('a #NP on the handler\'s code segment is reported with EXT = 1 when delivering a hardware exception (6.13)', () => {
    const { m } = setup((a) => {
      a.mov(eax, 0x400);
      a.mov(ds, eax); // #GP(400h), delivered through a gate whose CS (30h) is a not-present data segment
      a.hlt();
      a.label('gp2'); a.pop(eax); a.hlt();
    }, (at, m) => {
      setGate(m, 13, gate32(at('gp2'), P32.dataNotPresent, INT_GATE)); // CS not code: #GP(30h + EXT) -> #DF
      setGate(m, 8, gate32(at('gp2'), P32.code0, INT_GATE));
    });
    expect(run(m)).toBe('hlt');
    expect(u32(m.cpu.lo[0]!)).toBe(0); // the #GP(31h) during #GP delivery became #DF
  });

  it('a fault while delivering #DF shuts the processor down: the run ends as a triple fault (6.15 Interrupt 8)', () => {
    const { m } = setup((a) => { a.ud2(); a.hlt(); }, (_at, m) => { m.cpu.idtrLimit = 0; });
    expect(run(m)).toBe('triple-fault');
    expect(m.cpu.activity).toBe(Activity.Shutdown);
  });
});

describe('IA-32e mode delivery (SDM Vol. 3A 6.14)', () => {
  function setup(build: (a: Assembler) => void, gates: (at: (l: string) => number, m: Machine) => void, user = false): { m: Machine; at: (l: string) => number } {
    const a = new Assembler(64);
    build(a);
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('long64', { code: bytes });
    long64(m, user);
    gates(at, m);
    return { m, at };
  }

  it('#GP: RSP aligned down to 16, then SS, RSP, RFLAGS, CS, RIP and the error code, 8 bytes each (6.14.2, Figure 6-9)', () => {
    const { m, at } = setup((a) => {
      a.mov(rsp, 0x8_0008);
      a.mov(eax, 0x400);
      a.label('fault'); a.mov(ds, eax);
      a.hlt();
      a.label('gp');
      a.mov(rax, rsp); a.mov(rbx, qword(rsp)); a.mov(rcx, qword(rsp, 8)); a.mov(rdx, qword(rsp, 16));
      a.mov(r8, qword(rsp, 24)); a.mov(rsi, qword(rsp, 32)); a.mov(rdi, qword(rsp, 40)); a.hlt();
    }, (at, m) => setGate(m, 13, gate64(BigInt(at('gp')), L64.code0, INT_GATE)));
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(reg64(c, 0)).toBe(0x8_0000n - 48n);
    expect(reg64(c, 3)).toBe(0x400n);
    expect(reg64(c, 1)).toBe(BigInt(at('fault')));
    expect(reg64(c, 2)).toBe(BigInt(L64.code0));
    expect(reg64(c, 8) & BigInt(RF | 2)).toBe(BigInt(RF | 2));
    expect(reg64(c, 6)).toBe(0x8_0008n);
    expect(reg64(c, 7)).toBe(BigInt(L64.data0));
  });

  it('a gate with IST = 1 takes RSP from TSS.IST1 even without a privilege change (6.14.5)', () => {
    const { m } = setup((a) => {
      a.int_(0x40);
      a.label('h'); a.mov(rax, rsp); a.mov(rbx, qword(rsp, 24)); a.hlt();
    }, (at, m) => setGate(m, 0x40, gate64(BigInt(at('h')), L64.code0, INT_GATE, 0, 1)));
    expect(run(m)).toBe('hlt');
    expect(reg64(m.cpu, 0)).toBe(BigInt(IST1_STACK - 40));
    expect(reg64(m.cpu, 3)).toBe(0x8_0000n);
  });

  it('from CPL 3: RSP from TSS.RSP0, SS becomes a null selector with RPL 0, the old SS:RSP are pushed (6.14.4)', () => {
    const { m, at } = setup((a) => {
      a.push(L64.data3 | 3); a.push(0x7_0000); a.pushfq(); a.push(L64.code3 | 3); a.push(a.addr('user'));
      a.iretq();
      a.label('user'); a.int_(0x80);
      a.label('after'); a.jmp('after');
      a.label('h');
      a.mov(rax, rsp); a.mov(rbx, qword(rsp)); a.mov(rcx, qword(rsp, 8)); a.mov(rdx, qword(rsp, 24)); a.mov(rsi, qword(rsp, 32));
      a.mov(edi, ss); a.hlt();
    }, (at, m) => setGate(m, 0x80, gate64(BigInt(at('h')), L64.code0, INT_GATE, 3)), true);
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(reg64(c, 0)).toBe(BigInt(RING0_STACK - 40));
    expect(reg64(c, 3)).toBe(BigInt(at('after')));
    expect(reg64(c, 1)).toBe(BigInt(L64.code3 | 3));
    expect(reg64(c, 2)).toBe(0x7_0000n);
    expect(reg64(c, 6)).toBe(BigInt(L64.data3 | 3));
    expect(u32(c.lo[7]!)).toBe(0);
    expect(c.cpl).toBe(0);
  });

  it('SYSRET to CPL 3 and SYSCALL back: CS/SS from IA32_STAR, RCX and R11 saved, RFLAGS masked by IA32_FMASK', () => {
    const { m, at } = setup((a) => {
      // IA32_STAR[63:48] = 18h (SYSRET: CS = 28h|3, SS = 20h|3), [47:32] = 08h (SYSCALL: CS = 08h, SS = 10h).
      a.mov(ecx, 0xC000_0081); a.xor(eax, eax); a.mov(edx, 0x0018_0008); a.wrmsr();
      a.mov(ecx, 0xC000_0082); a.mov(eax, a.addr('entry')); a.xor(edx, edx); a.wrmsr();
      a.mov(ecx, 0xC000_0084); a.mov(eax, IF); a.xor(edx, edx); a.wrmsr();
      a.mov(rcx, a.addr('user')); a.mov(r11d, 0x202); a.sysretq();
      a.label('user'); a.mov(r8d, ss); a.mov(r9d, cs); a.mov(rax, 7); a.syscall();
      a.label('ret'); a.jmp('ret');
      a.label('entry'); a.mov(r12, rcx); a.mov(r13, r11); a.mov(r14d, cs); a.mov(r15d, ss); a.pushfq(); a.pop(rbx); a.hlt();
    }, () => {}, true);
    expect(run(m)).toBe('hlt');
    const c = m.cpu;
    expect(reg64(c, 8)).toBe(BigInt(L64.data3 | 3)); // SS after SYSRET = STAR[63:48] + 8, RPL 3
    expect(reg64(c, 9)).toBe(BigInt(L64.code3 | 3)); // CS after SYSRET (REX.W) = STAR[63:48] + 16, RPL 3
    expect(u32(c.lo[14]!)).toBe(L64.code0); // CS after SYSCALL = STAR[47:32]
    expect(reg64(c, 12)).toBe(BigInt(at('ret')));
    expect(reg64(c, 13) & BigInt(IF | 2)).toBe(BigInt(IF | 2));
    expect(u32(c.lo[15]!)).toBe(L64.data0);
    expect(c.segSel[1]).toBe(L64.code0);
    expect(reg64(c, 3) & BigInt(IF)).toBe(0n);
    expect(reg64(c, 0)).toBe(7n);
    expect(c.cpl).toBe(0);
  });

  it('a #PF while pushing the #PF frame (IST stack not mapped) becomes #DF (6.15 Table 6-5: page fault then page fault)', () => {
    const { m } = setup((a) => {
      a.mov(rax, 0x1_2000_0000n); // above the loader's 4-GByte identity map
      a.mov(rbx, qword(rax));
      a.hlt();
      a.label('df'); a.pop(rax); a.mov(ebx, 0xDF); a.hlt();
    }, (at, m) => {
      m.memory.write32(0x3000 + 0x24, 0x3000_0000); m.memory.write32(0x3000 + 0x28, 1); // IST1 = 1_30000000h: unmapped
      setGate(m, 14, gate64(BigInt(at('df')), L64.code0, INT_GATE, 0, 1));
      setGate(m, 8, gate64(BigInt(at('df')), L64.code0, INT_GATE));
    });
    expect(run(m)).toBe('hlt');
    expect(reg64(m.cpu, 0)).toBe(0n);
    expect(reg64(m.cpu, 3)).toBe(0xDFn);
  });

  it('with an empty IDT any exception ends in a triple fault', () => {
    const { m } = setup((a) => { a.ud2(); }, (_at, m) => { m.cpu.idtrLimit = 0; });
    expect(run(m)).toBe('triple-fault');
  });

  it('IRETQ returns to the interrupted code with RFLAGS and SS:RSP restored (SDM Vol. 2 IRET, IA-32e mode)', () => {
    const { m, at } = setup((a) => {
      a.mov(rsp, 0x8_0000);
      a.int_(0x40);
      a.label('back'); a.mov(rax, rsp); a.hlt();
      a.label('h'); a.iretq();
    }, (at, m) => setGate(m, 0x40, gate64(BigInt(at('h')), L64.code0, INT_GATE, 0, 1)));
    expect(run(m)).toBe('hlt');
    expect(reg64(m.cpu, 0)).toBe(0x8_0000n);
    expect(m.cpu.ripLo).toBe(at('back') + 3 + 1); // after 'mov rax, rsp' (3 bytes) and HLT
    expect(m.cpu.segSel[SS]).toBe(L64.data0);
  });
});

describe('event blocking (SDM Vol. 3A 6.7.1, 6.8.3)', () => {
  it('STI: an interrupt pending before STI is delivered after the instruction that follows STI', () => {
    const a = new Assembler(64);
    a.sti();
    a.label('first'); a.nop();
    a.label('second'); a.nop(); a.hlt();
    a.label('h'); a.mov(rax, qword(rsp)); a.hlt();
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('long64', { code: bytes });
    long64(m);
    setGate(m, 0x40, gate64(BigInt(at('h')), L64.code0, INT_GATE));
    m.cpu.pendingIntr = 0x40;
    expect(run(m)).toBe('hlt');
    expect(reg64(m.cpu, 0)).toBe(BigInt(at('second')));
  });

  it('an NMI blocks further NMIs until the next IRET (6.7.1)', () => {
    const a = new Assembler(64);
    a.label('spin'); a.jmp('spin');
    a.label('nmi'); a.inc(dword(0x5000)); a.nop(); a.nop(); a.iretq();
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('long64', { code: bytes });
    long64(m);
    setGate(m, 2, gate64(BigInt(at('nmi')), L64.code0, INT_GATE));
    m.cpu.pendingNmi = true;
    m.run(2); // the NMI, then INC and the first NOP of its handler
    expect(m.memory.read32(0x5000)).toBe(1);
    m.cpu.pendingNmi = true; m.cpu.eventCheck = true; // a second NMI arrives inside the handler
    m.run(1);
    expect(m.memory.read32(0x5000)).toBe(1); // held: NMIs are blocked
    expect(m.cpu.pendingNmi).toBe(true);
    m.run(3); // NOP, IRETQ (unblocks), then the held NMI and its INC
    expect(m.memory.read32(0x5000)).toBe(2);
  });
});

describe('virtual-8086 mode (SDM Vol. 3A 20.3)', () => {
  it('IRETD with VM = 1 enters virtual-8086 mode; INT n (IOPL 3) goes to a ring-0 handler that sees GS, FS, DS, ES on the frame', () => {
    const a = new Assembler(32);
    // Frame for IRETD to virtual-8086 mode (SDM Vol. 2 IRET, RETURN-TO-VIRTUAL-8086-MODE).
    a.push(0x0044); a.push(0x0033); a.push(0x0022); a.push(0x0011); // GS, FS, DS, ES
    a.push(0x0900); a.push(0xFFF0); // SS, ESP
    a.push(0x2_3002); // EFLAGS: VM, IOPL 3
    a.push(0x0700); a.push(0x0000); // CS, EIP: linear 7000h
    a.iretd();
    a.label('h30');
    a.mov(ecx, ds); a.mov(eax, P32.data0); a.mov(ds, eax); // DS was made null on entry from virtual-8086 mode
    for (let i = 0; i < 9; i++) { a.mov(eax, dword(esp, 4 * i)); a.mov(dword(0x5000 + 4 * i), eax); }
    a.mov(dword(0x5024), ecx); a.mov(dword(0x5028), esp);
    a.iretd();
    a.label('h31'); a.mov(eax, P32.data0); a.mov(ds, eax); a.mov(dword(0x5030), ebx); a.hlt();
    const { bytes, at } = assemble(a, CODE_BASE);
    const m = machineIn('prot32', { code: bytes });
    protected32(m);
    setGate(m, 0x30, gate32(at('h30'), P32.code0, INT_GATE, 3));
    setGate(m, 0x31, gate32(at('h31'), P32.code0, INT_GATE, 3));
    const v = new Assembler(16);
    v.mov(si, 0x1234); v.int_(0x30); v.mov(bx, si); v.int_(0x31);
    m.memory.load(0x7000, v.assemble(0n).bytes);
    expect(run(m)).toBe('hlt');
    const frame = Array.from({ length: 9 }, (_, i) => u32(m.memory.read32(0x5000 + 4 * i)));
    // EIP (after MOV SI and INT 30h: 3 + 2 bytes), CS, EFLAGS (VM, IOPL 3), ESP, SS, ES, DS, FS, GS (Figure 20-4).
    expect(frame[0]).toBe(5);
    expect(frame[1]).toBe(0x700);
    expect(frame[2]! & 0x2_3000).toBe(0x2_3000);
    expect(frame.slice(3)).toEqual([0xFFF0, 0x900, 0x11, 0x22, 0x33, 0x44]);
    expect(m.memory.read32(0x5024)).toBe(0); // DS null inside the handler
    expect(u32(m.memory.read32(0x5028))).toBe(RING0_STACK - 36);
    expect(m.memory.read32(0x5030) & 0xFFFF).toBe(0x1234); // IRETD went back to virtual-8086 code, which ran on
  });
});

