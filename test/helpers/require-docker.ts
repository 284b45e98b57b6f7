// Tests that need the real engine fail loudly without it (CI always runs setup-host.sh first):
// a silently skipped build test would hide exactly the breakage these tests exist for.
import { detectEngine, type EngineInfo } from '../../src/engine/index.ts';
import { BuildError } from '../../src/core/index.ts';

export async function requireDocker(): Promise<EngineInfo> {
  try {
    return await detectEngine();
  } catch (err) {
    if (err instanceof BuildError && err.code === 'no-docker') {
      throw new Error(`This test needs a Docker engine. ${err.userMessage} (CI runs it from .ci/run). Engine said: ${err.logTail}`, {
        cause: err,
      });
    }
    throw err;
  }
}
