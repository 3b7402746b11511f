// The chaos suite's knobs: CHAOS_SHORT=1 is the CI version (< 4 min in all), unset the full one.
export const SHORT = process.env.CHAOS_SHORT === '1';

/** `short` under CHAOS_SHORT, `full` otherwise. */
export function size<T>(short: T, full: T): T {
  return SHORT ? short : full;
}

export interface ScenarioFigures {
  operations: number;
  faults: number;
  lost: number;
  duplicated: number;
  [more: string]: number | string;
}

/** Prints a scenario's figures as one line the CI log can be grepped for. */
export function printFigures(scenario: string, figures: ScenarioFigures): void {
  console.log(`[chaos] ${scenario} ${JSON.stringify(figures)}`);
}
