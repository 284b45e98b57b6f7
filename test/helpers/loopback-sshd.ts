// A throwaway sshd on 127.0.0.1 for tests of ssh:// engines: its own host key, its own client
// key, its own config and pid file in a short temp dir, on a free loopback port. The system's
// sshd, its config and ~/.ssh are never touched. Logins get `env` (e.g. DOCKER_HOST of a second
// dockerd) through sshd's SetEnv, so `docker system dial-stdio` on the "remote" side reaches it.
//
// OpenSSH reads ~/.ssh of the passwd entry, not $HOME, so the client side is a directory with an
// `ssh` that adds `-F <our config>`: put `binDir` first on PATH of the process that runs docker.
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { readPidFile } from './pid-file.ts';

const SSHD = '/usr/sbin/sshd';
const SSH = '/usr/bin/ssh';

export interface LoopbackSshd {
  /** ssh://user@127.0.0.1:port, a DOCKER_HOST value. */
  url: string;
  /** Holds the `ssh` wrapper: prepend it to PATH. */
  binDir: string;
  dispose(): Promise<void>;
}

export async function startLoopbackSshd(opts: { env?: Record<string, string> } = {}): Promise<LoopbackSshd> {
  try {
    await access(SSHD, constants.X_OK);
  } catch (err) {
    throw new Error(
      `This test needs ${SSHD} (Debian's openssh-server; scripts/setup-host.sh installs it without starting the system service).`,
      { cause: err },
    );
  }
  const dir = await mkdtemp('/tmp/bgs-');
  const user = userInfo().username;
  // sshd running as root needs its privilege-separation directory, which Debian's service creates at boot.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  for (const key of ['host_key', 'client_key']) {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `bumpguard-test-${key}`, '-f', join(dir, key)], { stdin: 'ignore' });
  }
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
  const port = await freePort();
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp dir sits under the world-writable /tmp, which StrictModes refuses for key files.
      'StrictModes no',
      ...Object.entries(opts.env ?? {}).map(([k, v]) => `SetEnv ${k}=${v}`),
      '',
    ].join('\n'),
  );
  const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim();
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  await writeFile(
    join(dir, 'ssh_config'),
    [
      'Host 127.0.0.1',
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  );
  const binDir = join(dir, 'bin');
  await mkdir(binDir);
  await writeFile(join(binDir, 'ssh'), `#!/bin/sh\nexec ${SSH} -F ${join(dir, 'ssh_config')} "$@"\n`, { mode: 0o755 });
  // Daemonises once it listens; -E keeps its log with the test's files.
  await execa(SSHD, ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { stdin: 'ignore' });
  const pid = await readPidFile(join(dir, 'sshd.pid'));
  const dispose = async () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'ESRCH')) throw err;
    }
    await rm(dir, { recursive: true, force: true });
  };
  // A login works before anyone relies on it.
  const probe = await execa(join(binDir, 'ssh'), ['-p', String(port), `${user}@127.0.0.1`, 'true'], {
    reject: false,
    stdin: 'ignore',
    timeout: 15_000,
  });
  if (probe.exitCode !== 0) {
    const log = await readFile(join(dir, 'sshd.log'), 'utf8').catch(() => '');
    await dispose();
    throw new Error(`the loopback sshd did not accept the test key: ${probe.stderr} ${log.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return { url: `ssh://${user}@127.0.0.1:${port}`, binDir, dispose };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}
