// Reads a DNS canary's output whichever client printed it (dig first: its format is richer).
import { parseDig, type DnsObservation } from './parse-dig.ts';
import { parseNslookup } from './parse-nslookup.ts';

export function parseDnsOutput(text: string): DnsObservation | null {
  return parseDig(text) ?? parseNslookup(text);
}
