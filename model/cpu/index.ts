// The x86-64 core's public face.
export { Activity, AR_UNUSABLE, Cpu, type CpuStats, type StopReason } from './cpu.js';
export { type Decoded, disassemble } from './decode.js';
export * from './fault.js';
export * from './registers.js';
export { readFlags } from './flags.js';
export type { InstructionClass, RetireEvent, TimingModel } from './timing.js';
