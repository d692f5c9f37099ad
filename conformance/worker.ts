// A conformance worker thread: runs each batch of cases the pool sends on the model and replies with the
// results in the same order; `null` means there is no more work (conformance/pool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { runCase } from './runner.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.js';

const { profile } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('conformance/worker.js runs only as a worker thread');
port.on('message', (req: WorkerRequest | null) => {
  if (req === null) {
    port.close();
    return;
  }
  const reply: WorkerReply = { start: req.start, results: req.cases.map((c) => runCase(c.case, c.source, profile)) };
  port.postMessage(reply);
});
