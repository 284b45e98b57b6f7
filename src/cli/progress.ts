// Progress of a check on stderr: a live line with elapsed time on a terminal, plain lines in CI,
// nothing at all with --json (stdout stays machine-readable, stderr quiet). On a terminal the
// audit's findings are printed as soon as the audit is done, then each platform's figures as it
// settles; the full report follows on stdout. Build logs are not echoed: their tail is in the
// report when a build fails.
import type { Writable } from 'node:stream';
import type { CheckSnapshot, ProgressEvent } from '../jobs/index.ts';
import type { PolicyOutcome } from '../policy/index.ts';
import { isSettled, renderTextAudit, renderTextPlatform } from '../report/index.ts';

export interface Progress {
  onProgress: (event: ProgressEvent) => void;
  onSnapshot: (snapshot: CheckSnapshot) => void;
  done(): void;
}

/** Judges a snapshot as the final report will (judgeSnapshot of src/jobs with the config). */
export type SnapshotJudge = (snapshot: CheckSnapshot) => PolicyOutcome;

export function createProgress(
  out: Writable,
  mode: 'tty' | 'lines' | 'quiet',
  now: () => number = () => Date.now(),
  judge?: SnapshotJudge,
): Progress {
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
  let auditShown = false;
  const shown = new Set<string>();
  /** Above the live line: clear it, print, and draw it again. */
  const print = (text: string) => {
    out.write(`\r\x1b[2K${text}`);
    draw();
  };
  return {
    onSnapshot(snapshot) {
      if (mode !== 'tty' || !judge) return;
      const settled = snapshot.result.platforms.filter((p) => !shown.has(p.platform) && isSettled(snapshot.progress, p.platform));
      if (auditShown && settled.length === 0) return;
      const outcome = judge(snapshot);
      if (!auditShown) {
        auditShown = true;
        print(renderTextAudit(snapshot.result, outcome));
      }
      for (const p of settled) {
        shown.add(p.platform);
        print(renderTextPlatform(snapshot.result, outcome, p.platform));
      }
    },
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
