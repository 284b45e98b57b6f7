// Find the slash command in a PR comment. Pure: text in, command or null out.
// Only lines a reader sees as plain text count: fenced code, indented code and `>` quotes are
// skipped, so quoting the bot's help or an earlier command never triggers a run.
import { parseAccept } from '../policy/index.ts';
import type { SlashCommand } from './types.ts';

const COMMAND_LINE = /^ {0,3}\/(?<name>[a-z][a-z0-9-]*)(?:[ \t]+(?<args>.*?))?[ \t]*$/i;
const FENCE_OPEN = /^ {0,3}(?<fence>`{3,}|~{3,})/;

/** The first command in the comment; null when there is none. */
export function parseCommand(body: string): SlashCommand | null {
  for (const line of plainLines(body)) {
    const m = COMMAND_LINE.exec(line);
    if (m?.groups) return toCommand(m.groups.name!.toLowerCase(), (m.groups.args ?? '').trim());
  }
  return null;
}

function* plainLines(body: string): Generator<string> {
  let fence: string | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (fence !== null) {
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
      if (close.test(line)) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open?.groups) {
      fence = open.groups.fence!;
      continue;
    }
    if (/^( {4}|\t)/.test(line) || /^ {0,3}>/.test(line)) continue;
    yield line;
  }
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
