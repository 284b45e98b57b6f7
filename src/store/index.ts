// src/store: node:sqlite: measured results, history, overrides, forge ids and the durable job queue.
export { JobStore, type EnqueueResult, type GateRecord, type JobRow, type JobState, type NewJob, type RecoveredJobs } from './job-store.ts';
export { LeaseHeldError, openDatabase, StoreError, StoreLease } from './open-store.ts';
export { InMemoryJobState, ResultStore, type ResultKey } from './result-store.ts';
