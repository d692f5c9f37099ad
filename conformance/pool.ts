// Runs cases on worker_threads. `workers` N means N runners: this thread and N - 1 worker threads.
// Each worker receives the validated cases (a structured clone of plain JSON) in small batches as it
// asks for more, so a slow case does not hold up the others, and this thread takes batches too between
// messages; results are put back in the cases' order, so the output is the same as a single-threaded run.
// Workers are started before the cases are loaded (startPool), so their start-up overlaps the loading.
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { ConformanceCase, CpuProfile } from '../model/generated/index.js';
import { type CaseResult, runCase } from './runner.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.js';

export interface PoolCase {
  readonly case: ConformanceCase;
  readonly source: string;
}

/** Called after each case with the number done so far. */
export type ProgressFn = (done: number, total: number) => void;

export const MAX_WORKERS = 8;

/** The default worker count: one per core, at most MAX_WORKERS. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/** Cases handed out at a time: small enough to balance, large enough to keep messages few. */
const BATCH = 8;

export interface CasePool {
  /** Runs the cases and ends the workers; call once. */
  run(cases: readonly PoolCase[], progress?: ProgressFn): Promise<CaseResult[]>;
  /** Ends the workers without running anything (e.g. when the cases could not be selected). */
  close(): Promise<void>;
}

/** Starts `workers - 1` worker threads for this profile; `workers` 1 runs everything in this thread. */
export function startPool(profile: CpuProfile, workers: number): CasePool {
  const data: WorkerData = { profile };
  const threads = Array.from({ length: Math.max(0, workers - 1) }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: data }));
  const ended = threads.map((w) => new Promise<void>((resolve, reject) => {
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a conformance worker exited with code ${code}`))));
  }));
  // Let a worker end by itself (not terminate()): V8 then writes its coverage under --coverage.
  const close = async (): Promise<void> => {
    for (const w of threads) w.postMessage(null);
    await Promise.all(ended);
  };
  const run = async (cases: readonly PoolCase[], progress?: ProgressFn): Promise<CaseResult[]> => {
    const total = cases.length;
    const results = new Array<CaseResult | undefined>(total);
    let next = 0;
    let done = 0;
    const take = (): WorkerRequest | null => {
      if (next >= total) return null;
      const start = next;
      next = Math.min(total, next + BATCH);
      return { start, cases: cases.slice(start, next).map((c) => ({ case: c.case, source: c.source })) };
    };
    const store = (start: number, rs: readonly CaseResult[]): void => {
      rs.forEach((r, k) => {
        results[start + k] = r;
        done += 1;
        progress?.(done, total);
      });
    };
    for (const w of threads) {
      w.on('message', (reply: WorkerReply) => {
        store(reply.start, reply.results);
        w.postMessage(take());
      });
      w.postMessage(take());
    }
    // This thread is a runner too: a batch at a time, letting the workers' replies in between.
    try {
      for (let req = take(); req; req = take()) {
        store(req.start, req.cases.map((c) => runCase(c.case, c.source, profile)));
        if (threads.length > 0) await yieldToEvents();
      }
    } catch (e) {
      await Promise.all(threads.map((w) => w.terminate()));
      throw e;
    }
    await Promise.all(ended);
    return results.map((r, i) => {
      if (!r) throw new Error(`no result for case ${cases[i]!.case.id}`);
      return r;
    });
  };
  return { run, close };
}

/** Starts a pool, runs the cases on it and ends it. */
export function runCases(cases: readonly PoolCase[], profile: CpuProfile, workers: number, progress?: ProgressFn): Promise<CaseResult[]> {
  return startPool(profile, Math.min(workers, Math.ceil(cases.length / BATCH))).run(cases, progress);
}
