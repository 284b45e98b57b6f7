// DNS client output as observed answers, whichever client printed it (dig or nslookup).

// Reads a DNS canary's output whichever client printed it (dig first: its format is richer).

export function parseDnsOutput(text: string): DnsObservation | null {
  return parseDig(text) ?? parseNslookup(text);
}

// Parses the output of `dig` (BIND 9 format; also what the example image's routerd prints).
// Only the first reply is read: a canary asks one question.

interface DnsAnswer {
  name: string;
  ttl: number | null;
  type: string;
  data: string;
}

/** What a DNS canary observed, whichever tool printed it. */
export interface DnsObservation {
  tool: 'dig' | 'nslookup';
  /** rcode name (NOERROR, SERVFAIL, NXDOMAIN…), null when no reply arrived. */
  status: string | null;
  /** Header flags (qr, aa, rd, ra…); null when the tool does not print them (nslookup). */
  flags: string[] | null;
  answers: DnsAnswer[];
  /** dig's ";; Query time"; null when not printed. */
  queryTimeMs: number | null;
  /** Why there is no reply (timeout, refused), else null. */
  error: string | null;
}

const HEADER = /^;; ->>HEADER<<- opcode: \w+, status: (?<status>[A-Z]+), id: \d+/;
const FLAGS = /^;; flags:(?<flags>[^;]*);/;
const QUERY_TIME = /^;; Query time: (?<ms>\d+) msec/;
const NO_REPLY = /^;; (?<error>connection timed out.*|communications error to .*|no servers could be reached)/;
const RECORD = /^(?<name>\S+)\s+(?<ttl>\d+)\s+(?<class>IN|CH|HS)\s+(?<type>[A-Z0-9]+)\s+(?<data>.+)$/;

/** Null when the text is not dig output. */
export function parseDig(text: string): DnsObservation | null {
  const lines = text.split('\n').map((l) => l.trimEnd());
  if (!lines.some((l) => l.startsWith('; <<>> ') || HEADER.test(l))) return null;
  const obs: DnsObservation = { tool: 'dig', status: null, flags: null, answers: [], queryTimeMs: null, error: null };
  let section = '';
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      if (obs.status !== null) break; // a second reply (dig +trace, several queries)
      obs.status = header.groups!.status!;
      continue;
    }
    const flags = FLAGS.exec(line);
    if (flags && obs.flags === null) {
      obs.flags = flags.groups!.flags!.trim().split(/\s+/).filter(Boolean);
      continue;
    }
    const time = QUERY_TIME.exec(line);
    if (time) {
      obs.queryTimeMs = Number(time.groups!.ms);
      continue;
    }
    const noReply = NO_REPLY.exec(line);
    if (noReply && obs.status === null && obs.error === null) obs.error = noReply.groups!.error!;
    const sectionHead = /^;; ([A-Z ]+) SECTION:/.exec(line);
    if (sectionHead) section = sectionHead[1]!;
    else if (line === '') section = '';
    else if (section === 'ANSWER') {
      const rec = RECORD.exec(line);
      if (rec) {
        const g = rec.groups!;
        obs.answers.push({ name: g.name!, ttl: Number(g.ttl), type: g.type!, data: g.data!.trim() });
      }
    }
  }
  return obs;
}

// Parses `nslookup NAME SERVER` output of busybox (1.3x) and of BIND. Neither prints header
// flags or a query time: those stay null, and a canary asserting them says so.
const CANT_FIND = /^\*\* server can't find (?<name>\S+?):? (?<rcode>[A-Z]+)\s*$/;
const NO_ANSWER = /^\*\*\* Can't find \S+: No answer/;

/** Null when the text is not nslookup output. */
export function parseNslookup(text: string): DnsObservation | null {
  const blocks = text.split(/\n\s*\n/).map((b) =>
    b
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const all = blocks.flat();
  const looksLike = all.some(
    (l) => l.startsWith('Server:') || l.startsWith('nslookup: ') || CANT_FIND.test(l) || NO_ANSWER.test(l) || NO_REPLY.test(l),
  );
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
