// Slash commands: finding one in a PR comment, and the guards asked before acting on it (who may
// run commands, which PRs the trigger covers, which platforms exist).

import type { Config } from '../config/index.ts';
import type { Permission, PullRequest } from '../core/index.ts';
import { parseAccept } from '../policy/index.ts';
import type { SlashCommand } from './types.ts';

// Find the slash command in a PR comment. Pure: text in, command or null out.
// Only lines a reader sees as plain text count: fenced code, indented code, `>` quotes and HTML
// comments are skipped, so quoting the bot's help or an earlier command never triggers a run.
// Any commenter reaches this before a permission check, so it is a hand-written linear scan
// over a bounded prefix: no regex here can backtrack (a lazy `.*?` before `[ \t]*$` once took
// a minute on "/rebuild" + 6,000 spaces + "\r").

/** A command must start one of the first lines; nobody buries one under a page of text. */
const COMMAND_MAX_LINES = 20;
/** …and within the first characters (the accept reason is capped far below this). */
const COMMAND_MAX_CHARS = 4000;

/** The first command in the comment; null when there is none. */
export function parseCommand(body: string): SlashCommand | null {
  for (const line of plainLines(body.slice(0, COMMAND_MAX_CHARS))) {
    const found = commandOf(line);
    if (found) return toCommand(found.name.toLowerCase(), found.args.trim());
  }
  return null;
}

/** CommonMark line endings: \n, \r\n and a lone \r. */
function splitLines(text: string, max: number): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length && lines.length < max; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    lines.push(text.slice(start, i));
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  if (lines.length < max && start <= text.length) lines.push(text.slice(start));
  return lines;
}

function* plainLines(body: string): Generator<string> {
  let fence: { char: string; length: number } | null = null;
  let inHtmlComment = false;
  for (const line of splitLines(body, COMMAND_MAX_LINES)) {
    if (fence !== null) {
      if (closesFence(line, fence)) fence = null;
      continue;
    }
    if (inHtmlComment) {
      if (line.includes('-->')) inHtmlComment = false;
      continue;
    }
    const open = fenceOpening(line);
    if (open !== null) {
      fence = open;
      continue;
    }
    // Hidden text: only what precedes an HTML comment shows; one left open runs until "-->".
    const comment = line.indexOf('<!--');
    if (comment !== -1 && !line.includes('-->', line.lastIndexOf('<!--') + 4)) inHtmlComment = true;
    const visible = comment === -1 ? line : line.slice(0, comment);
    if (visible.startsWith('    ') || visible.startsWith('\t')) continue;
    if (visible[leadingSpaces(visible)] === '>') continue;
    yield visible;
  }
}

/** Up to 3 leading spaces (more is indented code). */
function leadingSpaces(line: string): number {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  return i;
}

function fenceOpening(line: string): { char: string; length: number } | null {
  const start = leadingSpaces(line);
  const char = line[start];
  if (char !== '`' && char !== '~') return null;
  let end = start;
  while (line[end] === char) end++;
  return end - start >= 3 ? { char, length: end - start } : null;
}

function closesFence(line: string, fence: { char: string; length: number }): boolean {
  const start = leadingSpaces(line);
  let end = start;
  while (line[end] === fence.char) end++;
  if (end - start < fence.length) return false;
  for (let i = end; i < line.length; i++) if (line[i] !== ' ' && line[i] !== '\t') return false;
  return true;
}

const isNameStart = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isNameChar = (c: string | undefined) => isNameStart(c) || (c !== undefined && ((c >= '0' && c <= '9') || c === '-'));

/** `/name` alone, or followed by a space or tab and its arguments; "/usr/local/bin" is not one. */
function commandOf(line: string): { name: string; args: string } | null {
  let i = leadingSpaces(line);
  if (line[i] !== '/' || !isNameStart(line[i + 1])) return null;
  const nameStart = ++i;
  while (isNameChar(line[i])) i++;
  const name = line.slice(nameStart, i);
  if (i === line.length) return { name, args: '' };
  if (line[i] !== ' ' && line[i] !== '\t') return null;
  return { name, args: line.slice(i + 1) };
}

function toCommand(name: string, args: string): SlashCommand {
  switch (name) {
    case 'rebuild':
      return { name: 'rebuild', platforms: args.split(/[\s,]+/).filter(Boolean) };
    case 'audit':
      return { name: 'audit' };
    case 'help':
      return { name: 'help' };
    case 'accept': {
      const parsed = parseAccept(args);
      if (!parsed.ok) return { name: 'unknown', text: `/accept ${args}`.trim(), problem: `\`/accept\`: ${parsed.error}.` };
      return { name: 'accept', ...parsed.override };
    }
    default:
      return { name: 'unknown', text: `/${name}${args ? ` ${args}` : ''}`, problem: `\`/${name}\` is not a bumpguard command.` };
  }
}

// Pure yes/no decisions the job asks before acting: each guard returns early with the reason to
// log (as probot/settings index.js does in its handlers).
/** write, maintain, admin or owner (adapters fold maintain into write and owner into admin). */
export function canRunCommands(permission: Permission): boolean {
  return permission === 'write' || permission === 'admin';
}

/**
 * Whether a PR is one the bot checks unasked: `trigger.headRef` (a regex) and `trigger.authors`
 * narrow the diff detector; unset means every PR whose diff bumps Tailscale.
 */
export function matchesTrigger(pr: PullRequest, trigger: Config['trigger']): boolean {
  if (trigger.headRef !== undefined && !new RegExp(trigger.headRef).test(pr.head.ref)) return false;
  if (trigger.authors !== undefined && !trigger.authors.some((a) => a.toLowerCase() === pr.author.toLowerCase())) return false;
  return true;
}

/**
 * `/rebuild arm64 arm/v7` → the configured platforms they name. Accepts the full name
 * ("linux/arm64") or what follows "linux/" ("arm64", "arm/v7").
 */
export function resolvePlatforms(requested: string[], configured: string[]): { platforms: string[]; unknown: string[] } {
  const platforms: string[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    const wanted = name.toLowerCase();
    const match = configured.find((p) => p.toLowerCase() === wanted || p.toLowerCase() === `linux/${wanted}`);
    if (match === undefined) unknown.push(name);
    else if (!platforms.includes(match)) platforms.push(match);
  }
  return { platforms, unknown };
}
