// What the cloud found when it re-checked a transaction: the fields where the agent's numbers and
// the engine's disagree, an error when it could not re-check at all, and notes about effects that
// did not go as the agent expected (an expired hold, a coupon already spent). Stored, never hidden.

export interface Difference {
  field: string;
  agent: number | string | boolean | null;
  cloud: number | string | boolean | null;
}

export interface RecomputeDiff {
  programVersion: string;
  differences: Difference[];
  error?: string;
  notes?: string[];
}

export class DiffCollector {
  readonly differences: Difference[] = [];
  readonly notes: string[] = [];
  error: string | undefined;

  constructor(private readonly programVersion: string) {}

  compare(field: string, agent: Difference['agent'], cloud: Difference['cloud']): void {
    if (agent !== cloud) this.differences.push({ field, agent, cloud });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Null when everything matched and nothing is worth telling. */
  result(): RecomputeDiff | null {
    if (this.differences.length === 0 && this.notes.length === 0 && this.error === undefined) return null;
    const out: RecomputeDiff = { programVersion: this.programVersion, differences: this.differences };
    if (this.error !== undefined) out.error = this.error;
    if (this.notes.length > 0) out.notes = this.notes;
    return out;
  }
}
