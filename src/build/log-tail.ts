// Keeps the last lines of a build log for the report (a failed arm/v7 build is diagnosed from
// its tail) without holding a long BuildKit log in memory.

export const DEFAULT_TAIL_LINES = 60;

/** A build step may print one endless line (`head -c 1G /dev/zero`): no line is kept longer than this. */
export const MAX_LINE_CHARS = 4096;

export class LogTail {
  readonly #max: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(maxLines = DEFAULT_TAIL_LINES) {
    this.#max = maxLines;
  }

  /** Feeds raw output; returns the complete lines it contained (for live logging). */
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split(/\r?\n/);
    this.#partial = clip(parts.pop() ?? '');
    const lines = parts.map(clip);
    for (const line of lines) this.#add(line);
    return lines;
  }

  /** Adds one whole line (e.g. a note of ours between build steps). */
  line(text: string): void {
    this.#add(text);
  }

  #add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  /** The kept lines, including an unterminated last line. */
  text(): string {
    const all = this.#partial === '' ? this.#lines : [...this.#lines, this.#partial].slice(-this.#max);
    return all.join('\n');
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (line cut)` : line;
}
