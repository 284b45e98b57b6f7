// src/jobs: orchestration, the only room that sees both the pure core and the edges: runCheck, the bot's job, the queue.
export { CheckEngines, EngineSlots, PlatformPhase, platformResult, RuntimeSlots, unbuiltSide, type EngineSetup } from './engines.ts';
export { JobQueue, type EnqueueStatus, type JobQueueOptions, type JobRunResult } from './job-queue.ts';
export { inputsHash, measureSide } from './measure-side.ts';
export { HeadTracker } from './queue-state.ts';
export { reconcileAtStart, runReconcileTask, settleAfterJob } from './recovery.ts';
export { judgeSnapshot, runCheck } from './run-check.ts';
export { runPrJob, type PrJobDeps } from './run-pr-job.ts';
export type { PrJobOutcome } from './triage-event.ts';
export type { CheckPorts, CheckRequest, CheckSnapshot, ProgressEvent, RunCheck, Sandbox } from './types.ts';
