export interface LimitTables {
  requestCounts: {
    key: string;
    windowEnd: Date;
    hits: number;
  };
  costBudgets: {
    key: string;
    tokens: number;
    at: Date;
    fullAt: Date;
  };
}
