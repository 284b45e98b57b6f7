// Parses `nslookup NAME SERVER` output of busybox (1.3x) and of BIND. Neither prints header
// flags or a query time: those stay null, and a canary asserting them says so.
import type { DnsAnswer, DnsObservation } from './parse-dig.ts';

const CANT_FIND = /^\*\* server can't find (?<name>\S+?):? (?<rcode>[A-Z]+)\s*$/;
const NO_ANSWER = /^\*\*\* Can't find \S+: No answer/;
const NO_REPLY = /^;; (?<error>connection timed out.*|communications error to .*|no servers could be reached)/;

/** Null when the text is not nslookup output. */
export function parseNslookup(text: string): DnsObservation | null {
  const blocks = text.split(/\n\s*\n/).map((b) => b.split('\n').map((l) => l.trim()).filter(Boolean));
  const all = blocks.flat();
  const looksLike = all.some((l) => l.startsWith('Server:') || l.startsWith('nslookup: ') || CANT_FIND.test(l) || NO_ANSWER.test(l) || NO_REPLY.test(l));
  if (!looksLike) return null;
  const obs: DnsObservation = { tool: 'nslookup', status: null, flags: null, answers: [], queryTimeMs: null, error: null };
  let rcode: string | null = null;
  let nodata = false;
  for (const block of blocks) {
    if (block[0]?.startsWith('Server:')) continue; // the server's own Address line is not an answer
    let name: string | null = null;
    for (const line of block) {
      const fail = CANT_FIND.exec(line);
      if (fail) rcode ??= fail.groups!.rcode!;
      if (NO_ANSWER.test(line)) nodata = true;
      const noReply = NO_REPLY.exec(line);
      if (noReply) obs.error ??= noReply.groups!.error!;
      const kv = /^(?<key>Name|Address(?: \d+)?|Addresses):\s*(?<value>.+)$/.exec(line);
      if (!kv) continue;
      if (kv.groups!.key === 'Name') name = kv.groups!.value!;
      else if (name !== null) obs.answers.push(answer(name, kv.groups!.value!));
    }
  }
  if (obs.answers.length > 0 || nodata) obs.status = 'NOERROR';
  else obs.status = rcode;
  return obs;
}

function answer(name: string, address: string): DnsAnswer {
  return { name, ttl: null, type: address.includes(':') ? 'AAAA' : 'A', data: address };
}
