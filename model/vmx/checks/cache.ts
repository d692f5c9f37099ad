// Incremental VM-entry checks: the same checks in the same SDM order (index.ts), evaluated only where an
// input may have changed since the last fully successful VM entry with this VMCS.
//
// Why this is sound. A check predicate is a deterministic function of what it reads: VMCS fields (through
// ctx.vmcs, whose reads are recorded per check), the capabilities (immutable: a VmxState's caps come from
// its profile once), the entry context's scalars (resume, inSmm, currentVmcs, vmxon, ia32eMode: a change of
// any of them, or of the caps object, invalidates every result) and memory (a check that touched
// ctx.memory at its last evaluation is "volatile": it runs on every entry). So a check that passed, whose
// recorded fields have not changed value since (Vmcs.drainChanged reports real value changes only), would
// pass again. Results are reused only after a fully successful entry (commit); any failure, and the first
// entry with a VMCS, evaluate every check. The checks that do run are evaluated in SDM order, so the first
// failing one is the first failing one of the whole catalogue: every check that is skipped passes.
// A test (cache.test.ts) runs seeded random VMCS mutations through cached and uncached evaluation.
import { VMCS_SLOT_COUNT } from '../../generated/index.js';
import type { PhysicalMemory } from '../../machine/memory.js';
import type { VmxCapabilities } from '../capabilities.js';
import type { Vmcs } from '../vmcs.js';
import type { CheckResult, EntryContext } from './context.js';
import { type CheckPhase, boundChecks } from './index.js';
import { PerObject } from '../../machine/per-object.js';

const PASS: CheckResult = { kind: 'pass' };

/** The checks that have predicates (all but MSR loading), in SDM order, and the phase each belongs to. */
const BOUND = boundChecks('all');
const N = BOUND.length;
const IN_GUEST_PHASE = Uint8Array.from(BOUND, (b) => (b.check.id.startsWith('guest.') ? 1 : 0));

function inPhase(i: number, phase: CheckPhase): boolean {
  return phase === 'all' || (phase === 'guest') === (IN_GUEST_PHASE[i] === 1);
}

/** The scalars of a context the checks may read besides the VMCS, memory and caps. */
function sameScalars(a: EntryContext, b: EntryContext): boolean {
  return a.caps === b.caps && a.resume === b.resume && a.inSmm === b.inSmm && a.currentVmcs === b.currentVmcs &&
    a.vmxon === b.vmxon && a.ia32eMode === b.ia32eMode;
}

/** A context whose memory, when a predicate touches it, marks that predicate volatile. */
class RecordingContext implements EntryContext {
  caps!: VmxCapabilities;
  vmcs!: Vmcs;
  resume = false;
  inSmm = false;
  currentVmcs = 0;
  vmxon = 0;
  ia32eMode?: boolean;
  touchedMemory = false;
  private realMemory!: PhysicalMemory;

  get memory(): PhysicalMemory {
    this.touchedMemory = true;
    return this.realMemory;
  }

  bind(ctx: EntryContext): void {
    this.caps = ctx.caps; this.vmcs = ctx.vmcs; this.realMemory = ctx.memory; this.resume = ctx.resume;
    this.inSmm = ctx.inSmm; this.currentVmcs = ctx.currentVmcs; this.vmxon = ctx.vmxon;
    if (ctx.ia32eMode === undefined) delete this.ia32eMode; else this.ia32eMode = ctx.ia32eMode;
  }
}

/** Counters for tests and benchmarks: how many predicates ran and how many entries reused results. */
export interface CheckCacheStats { evaluated: number; reusedEntries: number; fullEntries: number }

/** The entry-check results of one VMCS and what each check read at its last evaluation. */
export class EntryCheckCache {
  readonly stats: CheckCacheStats = { evaluated: 0, reusedEntries: 0, fullEntries: 0 };
  /** Results are reusable: the last entry with this VMCS passed every check (and went on to the guest). */
  private valid = false;
  private last: EntryContext | undefined;
  /** Checks to evaluate on this entry (changed inputs, volatile, or everything), in SDM order. */
  private readonly pending: number[] = [];
  private readonly pendingFlag = new Uint8Array(N);
  /** Checks that touched memory at their last evaluation. */
  private readonly volatile = new Uint8Array(N);
  private volatileList: number[] = [];
  /** For each VMCS slot, the checks that have read it (an over-approximation: entries are never removed). */
  private readonly readers: number[][] = Array.from({ length: VMCS_SLOT_COUNT }, () => []);
  private readonly registered = new Uint8Array(VMCS_SLOT_COUNT * N);
  private readonly recording = new RecordingContext();
  /** The slots the check being evaluated reads. */
  private readonly log: number[] = [];
  private readonly markPending = (slot: number): void => {
    for (const c of this.readers[slot]!) this.addPending(c);
  };

  private addPending(c: number): void {
    if (this.pendingFlag[c] === 0) { this.pendingFlag[c] = 1; this.pending.push(c); }
  }

  /** Starts a VM entry's checks: works out which checks must run. */
  begin(ctx: EntryContext): void {
    // Emptied by pop: cheaper than setting length for the few checks an entry usually re-evaluates.
    const pending = this.pending;
    while (pending.length > 0) this.pendingFlag[pending.pop()!] = 0;
    const reuse = this.valid && this.last !== undefined && sameScalars(this.last, ctx);
    ctx.vmcs.drainChanged(reuse ? this.markPending : noop);
    if (!reuse) this.last = { ...ctx };
    if (reuse) {
      this.stats.reusedEntries++;
      for (const c of this.volatileList) this.addPending(c);
      if (this.pending.length > 1) this.pending.sort(ascending);
    } else {
      this.stats.fullEntries++;
      for (let c = 0; c < N; c++) { this.pendingFlag[c] = 1; this.pending.push(c); }
    }
    this.valid = false;
  }

  /** Evaluates the pending checks of a phase in SDM order; the first that fails is reported. */
  evaluate(ctx: EntryContext, phase: CheckPhase): CheckResult {
    const rec = this.recording;
    const vmcs = ctx.vmcs;
    const log = this.log;
    const pending = this.pending;
    let bound = false; // the recording context is bound once a check of the phase runs (often none does)
    for (let k = 0; k < pending.length; k++) {
      const c = pending[k]!;
      if (!inPhase(c, phase)) continue;
      if (!bound) { rec.bind(ctx); bound = true; }
      while (log.length > 0) log.pop();
      vmcs.readLog = log;
      rec.touchedMemory = false;
      let holds: boolean;
      try {
        holds = BOUND[c]!.predicate(rec);
      } finally {
        vmcs.readLog = undefined;
      }
      this.stats.evaluated++;
      this.note(c, log, rec.touchedMemory);
      if (!holds) return { kind: 'fail', check: BOUND[c]!.check };
    }
    return PASS;
  }

  /** The VM entry succeeded: the results of this entry may be reused by the next one. */
  commit(): void {
    this.valid = true;
  }

  private note(c: number, log: readonly number[], touchedMemory: boolean): void {
    for (const slot of log) {
      const k = slot * N + c;
      if (this.registered[k] === 0) { this.registered[k] = 1; this.readers[slot]!.push(c); }
    }
    if ((this.volatile[c] === 1) !== touchedMemory) {
      this.volatile[c] = touchedMemory ? 1 : 0;
      this.volatileList = [];
      for (let i = 0; i < N; i++) if (this.volatile[i] === 1) this.volatileList.push(i);
    }
  }
}

function noop(): void {}
function ascending(a: number, b: number): number { return a - b; }

const caches = new PerObject<Vmcs, EntryCheckCache>(() => new EntryCheckCache());

/** The check cache of a VMCS (created on its first VM entry). */
export function entryCheckCache(vmcs: Vmcs): EntryCheckCache {
  return caches.of(vmcs);
}
