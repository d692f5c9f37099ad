// Exceptions raised while executing an instruction. A Fault is thrown (not an Error: no stack trace
// is captured, so raising one is cheap) and caught by the run loop, which delivers it (SDM Vol. 3A 6).

/** Exception vectors (SDM Vol. 3A Table 6-1). */
export const DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10, NP = 11, SS_ = 12,
  GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19, VE = 20, CP = 21;

export class Fault {
  constructor(
    readonly vector: number,
    /** The error code, or -1 when the exception has none. */
    readonly errorCode: number = -1,
  ) {}
}

/**
 * Thrown by an access that caused a fault-like VM exit in the middle of an instruction (an APIC-access VM
 * exit, SDM 30.4): the exit has happened; the run loop abandons the instruction and continues at the host RIP.
 */
export class VmExitTaken extends Error {}

export function fault(vector: number, errorCode = -1): never {
  throw new Fault(vector, errorCode);
}

/** #GP(0) and friends, the common cases. */
export function gp(errorCode = 0): never {
  throw new Fault(GP, errorCode);
}

export function ud(): never {
  throw new Fault(UD);
}

/** Vectors that push an error code when delivered as exceptions (SDM Vol. 3A 6.13). */
export function pushesErrorCode(vector: number): boolean {
  return vector === DF || vector === TS || vector === NP || vector === SS_ || vector === GP || vector === PF ||
    vector === AC || vector === CP;
}

/**
 * A condition that ends the instruction (or event delivery) in a VM exit instead of an exception, such
 * as an EPT violation (SDM 26.5.3). It travels like a fault, so nothing happens until it is delivered:
 * an access that was only probed (the decoder's look at the next page) never exits.
 */
export abstract class VmExitFault extends Fault {
  constructor() {
    super(-1);
  }

  /** Performs the VM exit; afterwards the processor runs at the host RIP. */
  abstract deliver(cpu: import('./cpu.js').Cpu): void;
}
