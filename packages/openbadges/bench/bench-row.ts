/** One line of a benchmark table: our throughput and, where there is one, a baseline measured in the same run. */
export type BenchRow = {
  name: string;
  /** Operations per second (or `unit`). */
  ours: number;
  baseline?: number;
  baselineName?: string;
  unit?: string;
  note?: string;
};
