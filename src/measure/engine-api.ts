// GET on the Docker Engine API through the docker client's `system dial-stdio`: the client
// connects wherever it is configured to (the mounted socket, DOCKER_HOST with TLS, an ssh or
// context endpoint), so the bot needs no second way to reach the engine.
import { request } from 'node:http';
import { execDocker, type DockerClient } from '../docker-client.ts';

const TIMEOUT_MS = 10_000;

/** The JSON body of a 200 answer to `GET path`; throws with the engine's or the client's message otherwise. */
export async function getEngineJson(docker: DockerClient, path: string, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const cancel = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const client = execDocker(docker, ['system', 'dial-stdio'], { cancelSignal: cancel, reject: false, stderr: 'pipe' });
  let answer: { status: number; text: string };
  try {
    answer = await new Promise((resolve, reject) => {
      const req = request(
        { createConnection: () => client.duplex(), path, method: 'GET', headers: { host: 'docker', connection: 'close' }, signal: cancel },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  } catch (err) {
    // The client's own words say more than "socket hang up" (no engine, permission denied).
    client.kill();
    const said = String((await client).stderr ?? '').trim();
    throw new Error(`docker API GET ${path} failed${said ? `: ${said}` : ''}`, { cause: err });
  } finally {
    client.kill();
    await client;
  }
  if (answer.status !== 200) throw new Error(`docker API GET ${path}: HTTP ${answer.status} ${answer.text.trim().slice(0, 300)}`);
  return JSON.parse(answer.text) as unknown;
}
