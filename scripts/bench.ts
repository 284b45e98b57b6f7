// `npm run bench`: every benchmark, one after another, figures only (no pass/fail):
// audit speed (issue 3), the whole audit with source edits and upstream digest (cold/warm), hostile recipe parse, image analysis vs gzip and peak RSS, orchestration overhead (issue 4).
import { execa } from 'execa';

const scripts = ['scripts/bench-audit.ts', 'scripts/bench-upstream-audit.ts', 'scripts/bench-recipe-parse.ts', 'scripts/bench-analyse.ts', 'scripts/bench-orchestration.ts'];
for (const script of scripts) {
  console.log(`\n== ${script}`);
  // Each in its own process so one's heap does not colour the next one's RSS figure.
  const r = await execa(process.execPath, [script], { stdio: 'inherit', reject: false });
  if (r.exitCode !== 0) {
    console.log(`${script} failed with exit ${r.exitCode}`);
    process.exitCode = 1;
  }
}
