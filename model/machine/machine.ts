// A machine: physical memory, the I/O and MMIO buses, devices, logical processors and the clock.
import type { CpuProfile } from '../generated/index.js';
import { Activity, Cpu } from '../cpu/cpu.js';
import '../cpu/exec/index.js';
import '../vmx/instructions.js';
import '../ept/instructions.js';
import { timingFromProfile } from '../cpu/timing.js';
import { attachApics, type ApicBus } from '../apic/index.js';
import { seedRandom } from '../cpu/exec/random.js';
import { DEBUG_CONSOLE_PORT, DebugConsole, SHUTDOWN_PORT, ShutdownPort } from '../devices/index.js';
import { IoBus } from './io.js';
import { PhysicalMemory } from './memory.js';
import { checkRomImage, romRegions } from './rom.js';

export interface MachineOptions {
  readonly profile: CpuProfile;
  /** RAM size in bytes (default 256 MiB); untouched RAM costs nothing. */
  readonly memorySize?: number;
  /** A firmware image mapped below 4 GiB; execution starts at its reset vector. */
  readonly rom?: Uint8Array;
  /** Called with each byte written to the debug console. */
  readonly onConsoleByte?: (byte: number) => void;
  /** Seed of the processors' RDRAND/RDSEED generator (default 0): the same seed gives the same numbers. */
  readonly seed?: number;
  /** Logical processors (default 1), each with a local APIC whose ID is its index; processor 0 is the BSP. */
  readonly processors?: number;
  /** Instructions each processor runs before the next one's turn when several run (default 1000). */
  readonly quantum?: number;
}

/** How a run ended. */
export type RunEnd = 'shutdown' | 'hlt' | 'triple-fault' | 'instruction-budget';

export interface RunResult {
  readonly end: RunEnd;
  readonly instructions: number;
  readonly cycles: number;
  readonly console: string;
  /** Instructions that raised #UD because the model does not implement them, by mnemonic. */
  readonly unimplemented: ReadonlyMap<string, number>;
}

export const DEFAULT_MEMORY = 256 * 1024 * 1024;
const MAX_ROM = 16 * 1024 * 1024;

export class Machine {
  readonly memory: PhysicalMemory;
  readonly io = new IoBus();
  readonly console = new DebugConsole();
  readonly shutdownPort = new ShutdownPort();
  readonly cpus: Cpu[];
  readonly profile: CpuProfile;
  /** The local APICs and the IPI fabric between them (model/apic). */
  readonly apicBus: ApicBus;
  /** Instructions per turn in the deterministic interleave of several processors. */
  readonly quantum: number;

  constructor(options: MachineOptions) {
    this.profile = options.profile;
    this.memory = new PhysicalMemory(options.memorySize ?? DEFAULT_MEMORY);
    if (options.rom) {
      checkRomImage(options.rom, MAX_ROM);
      for (const r of romRegions(options.rom)) this.memory.map(r);
    }
    this.io.register(DEBUG_CONSOLE_PORT, 1, this.console);
    this.io.register(SHUTDOWN_PORT, 1, this.shutdownPort);
    if (options.onConsoleByte) this.console.onByte = options.onConsoleByte;
    const count = options.processors ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 255) throw new RangeError(`processors must be 1-255, not ${count}`);
    this.quantum = options.quantum ?? 1000;
    if (!Number.isInteger(this.quantum) || this.quantum < 1) throw new RangeError(`quantum must be a positive integer, not ${this.quantum}`);
    this.cpus = [];
    for (let i = 0; i < count; i++) {
      const cpu = new Cpu(this.memory, this.io, options.profile);
      cpu.timing = timingFromProfile(options.profile);
      seedRandom(cpu, (options.seed ?? 0) + i);
      this.cpus.push(cpu);
    }
    this.apicBus = attachApics(this.memory, this.cpus);
    // Application processors wait for INIT-SIPI-SIPI after power-up (SDM Vol. 3A 9.4.1, 9.4.4).
    for (const ap of this.cpus.slice(1)) ap.activity = Activity.WaitForSipi;
    this.shutdownPort.onShutdown = () => {
      for (const c of this.cpus) { c.stop = 'shutdown'; c.eventCheck = true; }
    };
  }

  get cpu(): Cpu {
    return this.cpus[0]!;
  }

  /**
   * Runs until shutdown, HLT with interrupts disabled, triple fault, or the instruction budget (of processor
   * 0). With several processors they take turns of `quantum` instructions in index order, so an IPI one sends
   * is seen by its target at a reproducible point; the run ends when processor 0 ends it (or every processor
   * is halted).
   */
  run(maxInstructions: number): RunResult {
    if (this.cpus.length > 1) return this.runInterleaved(maxInstructions);
    const cpu = this.cpu;
    const before = cpu.stats.instructions;
    let end: RunEnd | undefined;
    while (end === undefined) {
      const left = maxInstructions - (cpu.stats.instructions - before);
      if (left <= 0) { end = 'instruction-budget'; break; }
      cpu.run(left);
      switch (cpu.stop) {
        case 'shutdown': end = 'shutdown'; break;
        case 'triple-fault': end = 'triple-fault'; break;
        case 'budget': end = 'instruction-budget'; break;
        case 'hlt':
          // A halted processor with interrupts enabled waits for an event; with none to come, the run ends.
          end = 'hlt';
          break;
        default: end = 'instruction-budget';
      }
    }
    return {
      end, instructions: cpu.stats.instructions - before, cycles: cpu.cycles, console: this.console.text(),
      unimplemented: new Map(cpu.stats.unimplemented),
    };
  }

  private runInterleaved(maxInstructions: number): RunResult {
    const cpu = this.cpu;
    const before = cpu.stats.instructions;
    let end: RunEnd | undefined;
    // Every processor together may run the budget once per processor (processor 0 may be halted meanwhile).
    let total = 0;
    while (end === undefined) {
      const left = maxInstructions - (cpu.stats.instructions - before);
      if (left <= 0 || total >= maxInstructions * this.cpus.length) { end = 'instruction-budget'; break; }
      let progress = false;
      for (const c of this.cpus) {
        const ran = c.run(c === cpu ? Math.min(left, this.quantum) : this.quantum);
        total += ran;
        if (ran > 0) progress = true;
        if (c.stop === 'shutdown') end = 'shutdown';
        else if (c === cpu && c.stop === 'triple-fault') end = 'triple-fault';
        if (end !== undefined) break;
      }
      // Processor 0 halted and nobody else can wake it: the run ends as a halt.
      if (end === undefined && !progress) end = cpu.stop === 'triple-fault' ? 'triple-fault' : 'hlt';
    }
    return {
      end, instructions: cpu.stats.instructions - before, cycles: cpu.cycles, console: this.console.text(),
      unimplemented: new Map(cpu.stats.unimplemented),
    };
  }
}
