// The bot host's own business: its directories (data, caches, checkouts, an upstream mirror) and
// the addresses of its build engines. None of it says anything about a pull request, and some of
// it (an ssh:// builder address, a home directory) is what an attacker maps a network with, so
// everything the bot writes to a PR shows these as placeholders. Pure.

/** A host path or address, and the placeholder shown instead. */
export interface HostPath {
  path: string;
  as: string;
}

/** The engine keeps build mounts and layers under these; an error quoting one is shown as `<engine>`, whole. */
const ENGINE_PATH = /\/var\/lib\/(?:docker|containerd|buildkit)(?:\/[^\s'":]*)?/g;

/** Replaces each host path in one pass, longest first (a checkout inside the temp dir reads as the checkout). */
export function redactHostPaths(text: string, hostPaths: readonly HostPath[]): string {
  const engineFree = text.replace(ENGINE_PATH, '<engine>');
  const all = hostPaths
    .map((h) => ({ path: h.path.replace(/\/+$/, ''), as: h.as }))
    .filter((h) => h.path.length > 1)
    .sort((a, b) => b.path.length - a.path.length);
  if (all.length === 0) return engineFree;
  const placeholder = new Map(all.map((h) => [h.path, h.as]));
  // Literal alternatives only: linear in the text however many paths there are.
  const re = new RegExp(all.map((h) => h.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return engineFree.replace(re, (m) => placeholder.get(m) ?? m);
}
