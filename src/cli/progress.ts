// Progress of a check on stderr: a live line with elapsed time on a terminal, plain lines in CI,
// nothing at all with --json (stdout stays machine-readable, stderr quiet). Build logs are not
// echoed: their tail is in the report when a build fails.
import type { Writable } from 'node:stream';
import type { ProgressEvent } from '../jobs/types.ts';

export interface Progress {
  onProgress(event: ProgressEvent): void;
  done(): void;
}

export function createProgress(out: Writable, mode: 'tty' | 'lines' | 'quiet', now: () => number = () => Date.now()): Progress {
  const started = now();
  const elapsed = () => `${((now() - started) / 1000).toFixed(0).padStart(4)}s`;
  let current = '';
  let timer: NodeJS.Timeout | null = null;
  const draw = () => out.write(`\r\x1b[2K[${elapsed()}] ${current}`);
  if (mode === 'tty') {
    timer = setInterval(draw, 1000);
    timer.unref();
  }
  const say = (text: string) => {
    if (mode === 'quiet') return;
    if (mode === 'lines') out.write(`[${elapsed()}] ${text}\n`);
    else {
      current = text;
      draw();
    }
  };
  return {
    onProgress(e) {
      if (e.phase === 'audit') return say(e.state === 'start' ? 'auditing feature tags…' : 'audit done');
      const what = `${e.platform} ${e.side}`;
      const texts: Record<typeof e.state, string> = {
        start: `${what}: ${e.phase === 'build' ? 'building' : e.phase === 'measure' ? 'analysing image' : 'running RAM and canaries'}…`,
        done: `${what}: ${e.phase} done`,
        cached: `${what}: reused stored result (no build)`,
        failed: `${what}: ${e.phase} failed`,
      };
      say(texts[e.state]);
    },
    done() {
      if (timer) clearInterval(timer);
      if (mode === 'tty') out.write(`\r\x1b[2K[${elapsed()}] done\n`);
      else say('done');
    },
  };
}
