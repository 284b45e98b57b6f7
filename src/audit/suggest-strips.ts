// The minimal recipe change for missing deps: one more strip per missing feature, written
// like the recipe's last strip (own continuation line, extra `-e`, or `;` in the same script).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Recipe, RecipeSed } from './recipe-types.ts';

export interface SuggestedFix {
  path: string;
  /** The file after the change. */
  text: string;
  /** Unified diff of the change. */
  patch: string;
}

/** null when the recipe has no strip to imitate or its file text is not given. */
export function suggestStrips(recipe: Recipe, files: { path: string; text: string }[], features: string[]): SuggestedFix | null {
  // Only a strip of one literal tag can be copied with another name in it.
  const template = [...recipe.seds].reverse().find((s) => s.features.length === 1 && s.source.includes(`ts_omit_${s.features[0]}`));
  if (!template || features.length === 0) return null;
  const file = files.find((f) => f.path === template.site.path);
  if (!file) return null;
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const lines = file.text.split(eol);
  const index = template.site.line - 1;
  const line = lines[index];
  if (line === undefined) return null;
  const edited = editLines(lines, index, line, template, features);
  if (edited === null) return null;
  const text = edited.join(eol);
  // git-style a/ b/ names so `git apply` takes the suggestion as is.
  const patch = createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.text, text, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
  return { path: file.path, text, patch };
}

function editLines(lines: string[], index: number, line: string, template: RecipeSed, features: string[]): string[] | null {
  const { site } = template;
  const commands = features.map((f) => retarget(template.source, template.features[0]!, f));
  const out = [...lines];
  if (site.style === 'own-line') {
    const word = line.slice(site.wordStart, site.wordEnd);
    const copies = features.map((f) => line.slice(0, site.wordStart) + retarget(word, template.features[0]!, f) + line.slice(site.wordEnd));
    if (/\\\s*$/.test(line)) {
      out.splice(index + 1, 0, ...copies);
    } else {
      // The template ends the continuation: put the copies before it, each continued.
      out.splice(index, 0, ...copies.map((c) => `${c.replace(/\s+$/, '')} \\`));
    }
    return out;
  }
  if (site.style === 'e-arg') {
    const q = site.quote ?? "'";
    const insert = commands.map((c) => ` -e ${q}${c}${q}`).join('');
    out[index] = line.slice(0, site.wordEnd) + insert + line.slice(site.wordEnd);
    return out;
  }
  if (site.commandEnd === null) return null;
  const insert = commands.map((c) => `;${c}`).join('');
  out[index] = line.slice(0, site.commandEnd) + insert + line.slice(site.commandEnd);
  return out;
}

function retarget(text: string, from: string, to: string): string {
  return text.replace(`ts_omit_${from}`, `ts_omit_${to}`);
}
