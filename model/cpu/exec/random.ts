// RDRAND and RDSEED (SDM Vol. 2 RDRAND, RDSEED; Vol. 1 7.3.17). The model's generator is deterministic:
// a per-processor xoshiro128** stream seeded from the machine's seed, so a run can be repeated exactly.
// It never runs dry, so CF is always 1; RDSEED draws from the same stream.
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../cpu.js';
import { FlagOp, ARITH, CF, FIXED1 } from '../flags.js';
import { type Exec, type InstrView, registerBuilder } from '../decode.js';
import { regInfo } from '../registers.js';
import { EXIT_REASON } from '../../generated/index.js';
import { PROC2_CTLS, inNonRoot, instructionExit, operandSizeCode, proc2Control } from '../../vmx/exits.js';

const states = new WeakMap<Cpu, Uint32Array>();

/** A 32-bit mixing function (finaliser of a multiplicative hash): distinct inputs give distinct outputs. */
function mix32(x: number): number {
  x ^= x >>> 16; x = Math.imul(x, 0x7FEB352D);
  x ^= x >>> 15; x = Math.imul(x, 0x846CA68B);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Seeds a processor's generator (the Machine does this with its `seed` option; unseeded means seed 0). */
export function seedRandom(cpu: Cpu, seed: number): void {
  const s = new Uint32Array(4);
  const lo = seed >>> 0, hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  // Four distinct inputs, so at most one state word is 0 and the state is never all zero.
  for (let i = 0; i < 4; i++) s[i] = mix32((lo + Math.imul(i + 1, 0x9E3779B9)) ^ mix32(hi + i));
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  states.set(cpu, s);
}

/** The next 32 random bits (xoshiro128**). */
export function nextRandom32(cpu: Cpu): number {
  let s = states.get(cpu);
  if (!s) { seedRandom(cpu, 0); s = states.get(cpu)!; }
  const s1 = s[1]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  s[2]! ^= s[0]!; s[3]! ^= s1; s[1] = s1 ^ s[2]!; s[0]! ^= s[3]!;
  s[2]! ^= t;
  s[3] = (s[3]! << 11) | (s[3]! >>> 21);
  return result | 0;
}

/** CF = 1; OF, SF, ZF, AF, PF = 0 (SDM Vol. 2 RDRAND, RDSEED: Flags Affected). */
function setSuccessFlags(cpu: Cpu): void {
  // Every arithmetic flag is replaced, so the lazy record is simply dropped; flagsValue holds the rest.
  cpu.flagsOp = FlagOp.None;
  cpu.flagsValue = ((cpu.flagsValue & ~ARITH) | CF | FIXED1) >>> 0;
}

function execute(r: { index: number; size: number }): Exec {
  const i = r.index;
  switch (r.size) {
    case 2: return (cpu: Cpu) => { cpu.lo[i] = (cpu.lo[i]! & ~0xFFFF) | (nextRandom32(cpu) & 0xFFFF); setSuccessFlags(cpu); };
    case 4: return (cpu: Cpu) => { cpu.lo[i] = nextRandom32(cpu); cpu.hi[i] = 0; setSuccessFlags(cpu); };
    default: return (cpu: Cpu) => { const lo = nextRandom32(cpu); cpu.hi[i] = nextRandom32(cpu); cpu.lo[i] = lo; setSuccessFlags(cpu); };
  }
}

/**
 * "RDRAND exiting" / "RDSEED exiting" (SDM 26.1.3): the exit saves the destination register and the
 * operand size in the instruction-information field (SDM 28.2.5).
 */
function builder(v: InstrView): Exec | undefined {
  const r = regInfo(v.opRegs[0]!);
  if (r.kind !== 'gpr') return undefined;
  const run = execute(r);
  const seed = v.mnemonic === Mnemonic.Rdseed;
  const control = seed ? PROC2_CTLS.RDSEED_EXITING : PROC2_CTLS.RDRAND_EXITING;
  const reason = seed ? EXIT_REASON.RDSEED : EXIT_REASON.RDRAND;
  const instructionInformation = (r.index << 3) | (operandSizeCode(r.size) << 11);
  return (cpu: Cpu) => {
    if (inNonRoot(cpu) && proc2Control(cpu, control)) { instructionExit(cpu, reason, v.length, { instructionInformation }); return; }
    run(cpu);
  };
}

registerBuilder([Mnemonic.Rdrand, Mnemonic.Rdseed], builder);
