// Fake container engines for tests that run checks without Docker: `docker info` answered per
// engine name with a host platform, or with the error an engine that is down ends in.
import type { DockerClient, EngineInfo } from '../../src/engine/index.ts';

export function fakeEngineProbe(answers: Record<string, string | Error>) {
  /** Engine names in the order they were asked. */
  const asked: string[] = [];
  const probe = async (client: DockerClient): Promise<EngineInfo> => {
    asked.push(client.engine);
    const answer = answers[client.engine] ?? new Error(`no fake engine named ${client.engine}`);
    if (answer instanceof Error) throw answer;
    return {
      name: client.engine,
      docker: client,
      serverVersion: '20.10.24',
      hostPlatform: answer,
      cgroupVersion: '2',
      buildx: null,
      buildctl: null,
    };
  };
  return { asked, probe };
}
