// src/store: TODO
export { JobStore, type EnqueueResult, type GateRecord, type JobRow, type JobState, type NewJob, type RecoveredJobs } from './job-store.ts';
export { LeaseHeldError, openDatabase, StoreError, StoreLease } from './open-store.ts';
export { InMemoryJobState, ResultStore, type ResultKey } from './result-store.ts';
