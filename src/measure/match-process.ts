// Which process `ram.process` names, the same way wherever the process list comes from (the
// host's /proc or the engine's `ps`).

/**
 * True when `name` is the process's command name or one of its argv words, bare or as the last
 * path part: busybox applets run as `/bin/busybox httpd` with the command name `busybox`.
 */
export function matchesProcess(name: string, comm: string | null, argv: readonly string[]): boolean {
  return comm === name || argv.some((arg) => arg === name || arg.endsWith(`/${name}`));
}
