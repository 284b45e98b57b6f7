// The pid a daemon wrote to its pid file. A daemon writes it after it forks, so right after the
// start command returns the file may be missing or empty, and Number('') is 0: process.kill(0)
// would signal this whole process group, the test runner included. Wait for a real pid instead.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function readPidFile(path: string, timeoutMs = 10_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    if (/^\d+\s*$/.test(text) && Number(text) > 0) return Number(text);
    if (Date.now() > until) throw new Error(`${path} holds no pid after ${timeoutMs} ms (it has ${JSON.stringify(text)})`);
    await sleep(50);
  }
}
