// The timing interface between the functional core and the clock. This default model: one
// cycle per instruction and a fixed cost per paging-structure reference; the cycle-approximate
// pipeline replaces it later through the same interface.
export interface TimingModel {
  readonly name: string;
  /** Cycles added for each retired instruction. */
  readonly cyclesPerInstruction: number;
  /** Cycles added for each paging-structure reference a walk makes. */
  readonly pageWalkCycles: number;
}

export const defaultTiming: TimingModel = { name: 'one-cycle', cyclesPerInstruction: 1, pageWalkCycles: 20 };

export function timingFromProfile(profile: { timing: { cyclesPerInstruction: number; pageWalkCycles: number } }): TimingModel {
  return { name: 'profile', cyclesPerInstruction: profile.timing.cyclesPerInstruction, pageWalkCycles: profile.timing.pageWalkCycles };
}
