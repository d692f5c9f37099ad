// The messages between conformance/pool.ts and its workers (conformance/worker.ts).
import type { ConformanceCase, CpuProfile } from '../model/generated/index.js';
import type { CaseResult } from './runner.js';

export interface WorkerData {
  readonly profile: CpuProfile;
}

/** Cases `start`, `start + 1`, … of the run, in order. */
export interface WorkerRequest {
  readonly start: number;
  readonly cases: readonly { readonly case: ConformanceCase; readonly source: string }[];
}

export interface WorkerReply {
  readonly start: number;
  readonly results: readonly CaseResult[];
}
