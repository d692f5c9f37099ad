// Progress of a conformance run on stderr (stdout stays the summary): a bar redrawn in place on a
// terminal, otherwise a plain line at every 10% or every few seconds, whichever comes first.
import type { ProgressFn } from '../conformance/pool.js';

const WIDTH = 30;
const PLAIN_INTERVAL_MS = 5_000;

export interface ProgressSink {
  readonly isTTY: boolean;
  write(text: string): void;
}

export function progressReporter(sink: ProgressSink, now: () => number = () => Date.now()): { update: ProgressFn; finish: () => void } {
  let lastDecile = 0;
  let lastLine = now();
  let lastCells = -1;
  let drawn = false;
  const update: ProgressFn = (done, total) => {
    const fraction = total === 0 ? 1 : done / total;
    if (sink.isTTY) {
      const cells = Math.round(fraction * WIDTH);
      // Redraw only when the bar or the count changes visibly, so thousands of cases cost few writes.
      if (cells === lastCells && done !== total && done % 25 !== 0) return;
      lastCells = cells;
      drawn = true;
      sink.write(`\r[${'#'.repeat(cells)}${'-'.repeat(WIDTH - cells)}] ${done}/${total} cases ${Math.floor(fraction * 100)}%\x1b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    const t = now();
    if (decile > lastDecile || t - lastLine >= PLAIN_INTERVAL_MS) {
      lastDecile = decile;
      lastLine = t;
      sink.write(`conform: ${done}/${total} cases (${Math.floor(fraction * 100)}%)\n`);
    }
  };
  const finish = (): void => {
    if (drawn) sink.write('\r\x1b[K');
  };
  return { update, finish };
}
