import type { BenchServer, StartOptions } from './server';

/** A target a figure is checked against: `value >= 0.85`, say. */
export type Target = { op: '>=' | '<='; value: number };

export type Figure = {
  /** Dotted key, `<suite>.<name>`: the name in the JSON output. */
  key: string;
  value: number;
  unit?: string;
  /** Decimal places in the table (the JSON keeps full precision). */
  digits?: number;
  target?: Target;
  /** A short remark shown in the table (which variant was best, what was counted). */
  note?: string;
};

export type SuiteContext = {
  quick: boolean;
  /** Starts a server with a fresh temporary database; the orchestrator stops it at the end, whatever happens. */
  startServer: (options?: StartOptions) => Promise<BenchServer>;
  log: (line: string) => void;
};

export type SuiteResult = {
  figures: Figure[];
  /**
   * Things that make the measurement itself invalid (error responses, events missing from the
   * store). Any problem makes the run exit non-zero; a missed target does not.
   */
  problems: string[];
  /** Per-round figures and other detail, kept in the JSON under `details.<suite>`. */
  details?: Record<string, unknown>;
  notes?: string[];
};

export type Suite = {
  name: string;
  description: string;
  run: (context: SuiteContext) => Promise<SuiteResult>;
};

export function passes(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}
