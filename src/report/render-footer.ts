// The command list (bot) or a pointer to the structured output (CLI).
import { ACCEPT_KINDS } from '../policy/index.ts';

export function renderFooter(commands: boolean): string {
  const body = commands
    ? `Commands: \`/rebuild [arch…]\` · \`/audit\` · \`/accept <${ACCEPT_KINDS.join('|')}> <reason>\` · \`/help\``
    : 'Full structured result: `bumpguard check --json`';
  return `---\n<sub>${body} · bumpguard</sub>`;
}
