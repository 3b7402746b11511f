// Draining a backlog after an outage, at several backlog sizes: into the reference central server
// on PGlite (`runDrainCloudBench`, the figure) and, as its anchor, into a loopback cloud that only
// records ids, healthy and failing 30 % of the calls (`runDrainBench`). Figures in ms and tx/s.
import { runDrainBench } from './drain.bench.js';
import { runDrainCloudBench } from './drain-cloud.bench.js';
import { type Summary, summarize } from './lib/stats.js';

export interface DrainGrowthResult {
  backlog: number;
  referenceMs: Summary;
  referenceTxPerSec: Summary;
  goalTxPerSec: number;
  loopbackMs: number;
  loopbackFlakyMs: number;
  /** Heap after GC, after the drain minus before (agent and cloud share the process), worst run. */
  heapGrowthMb: number;
  /** Journal entries the agent holds in memory before and after the drain (worst run). */
  journalResidentBefore: number;
  journalResidentAfter: number;
}

interface LoopbackRun {
  ms: number;
  left: number;
}

function isLoopbackRun(x: unknown): x is LoopbackRun {
  return typeof x === 'object' && x !== null && typeof (x as LoopbackRun).ms === 'number';
}

export async function runDrainGrowth(options: {
  base: string;
  backlog: number;
  repeats: number;
}): Promise<DrainGrowthResult> {
  const ms: number[] = [];
  const tps: number[] = [];
  let goal = 0;
  let heapGrowthMb = Number.NEGATIVE_INFINITY;
  let journalResidentBefore = 0;
  let journalResidentAfter = 0;
  for (let i = 0; i < options.repeats; i++) {
    const r = await runDrainCloudBench(options.backlog, { dir: options.base });
    if (r.left !== 0 || r.inCloud !== options.backlog) {
      throw new Error(
        `drain into the reference cloud left ${r.left} behind, cloud holds ${r.inCloud} of ${options.backlog}`,
      );
    }
    ms.push(r.ms);
    tps.push(r.txPerSec);
    goal = r.goalTxPerSec;
    heapGrowthMb = Math.max(heapGrowthMb, r.memory.heapGrowthMb);
    journalResidentBefore = Math.max(journalResidentBefore, r.memory.before.journalResident);
    journalResidentAfter = Math.max(journalResidentAfter, r.memory.after.journalResident);
  }
  const loopback = (await runDrainBench({ backlog: options.backlog, dir: options.base })).filter(
    isLoopbackRun,
  );
  const [healthy, flaky] = loopback;
  if (!healthy || !flaky || healthy.left !== 0 || flaky.left !== 0) {
    throw new Error(`loopback drain did not empty the queue: ${JSON.stringify(loopback)}`);
  }
  return {
    backlog: options.backlog,
    referenceMs: summarize(ms),
    referenceTxPerSec: summarize(tps),
    goalTxPerSec: goal,
    loopbackMs: healthy.ms,
    loopbackFlakyMs: flaky.ms,
    heapGrowthMb,
    journalResidentBefore,
    journalResidentAfter,
  };
}
