export { openDatabase } from './open-store.ts';
export { ResultStore } from './result-store.ts';
export type { ResultKey, HistoryEntry } from './result-store.ts';
export { JobStore } from './job-store.ts';
export type { EnqueueResult, GateRecord, JobKind, JobOutcomeRecord, JobRow, JobState, NewJob, RecoveredJobs } from './job-store.ts';
export { StoreError } from './store-error.ts';
export { LeaseHeldError, StoreLease } from './store-lease.ts';
