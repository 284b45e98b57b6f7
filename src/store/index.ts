export { openDatabase } from './open-store.ts';
export { ResultStore } from './result-store.ts';
export type { ResultKey, HistoryEntry } from './result-store.ts';
