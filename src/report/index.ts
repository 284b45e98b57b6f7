// src/report: the sticky comment, the status line, the terminal text and --json. Pure and deterministic.
export { renderJson, toImageMetrics, type JsonAuditReport, type JsonReport } from './json.ts';
export { clip, code, escapeText, MARKER } from './markdown.ts';
export { buildCounts, renderProgressSummary, renderReport, renderSummary } from './render-report.ts';
export { engineWords, isNative, isSettled } from './tables.ts';
export { renderAuditText, renderText, renderTextAudit, renderTextPlatform, type AuditReport } from './text.ts';
