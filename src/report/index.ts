// src/report: the sticky comment, the status line and the CLI text. Pure and deterministic.
export { renderReport, type ReportOptions } from './render-report.ts';
export { renderSummary, SUMMARY_MAX } from './render-summary.ts';
export { renderText, renderTextAudit, renderTextPlatform } from './render-text.ts';
export { MARKER } from './marker.ts';
export { computeMovers, moversByPlatform, type Mover } from './compute-movers.ts';
export { KIND_NOTES } from './render-findings.ts';
export { escapeText, code, clip } from './markdown.ts';
export { renderJson, toImageMetrics, type JsonReport, type JsonAuditReport, type JsonPlatform } from './render-json.ts';
export { engineWords, isNative } from './engine-label.ts';
export { renderUpstreamText } from './render-upstream-text.ts';
export { renderProgressSummary, buildCounts, isSettled } from './render-progress.ts';
