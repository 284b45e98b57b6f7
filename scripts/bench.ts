// `npm run bench`: every benchmark, one after another, figures only (no pass/fail):
// audit speed, the whole audit with source edits and upstream digest (cold/warm), hostile recipe parse, hostile comments and slow webhook
// connections (before and after their limits), image analysis vs gzip and peak RSS, orchestration overhead,
// and a whole check next to the raw builds it needs, with serve's first comment write.
import { execa } from 'execa';

const scripts = [
  'scripts/bench-audit.ts',
  'scripts/bench-upstream-audit.ts',
  'scripts/bench-recipe-parse.ts',
  'scripts/bench-hostile-input.ts',
  'scripts/bench-analyse.ts',
  'scripts/bench-orchestration.ts',
  'scripts/bench-check.ts',
];
for (const script of scripts) {
  console.log(`\n== ${script}`);
  // Each in its own process so one's heap does not colour the next one's RSS figure.
  const r = await execa(process.execPath, [script], { stdio: 'inherit', reject: false });
  if (r.exitCode !== 0) {
    console.log(`${script} failed with exit ${r.exitCode}`);
    process.exitCode = 1;
  }
}
