import type { IncomingMessage } from 'node:http';

/** A request header as one string (the first, when repeated); undefined when absent. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
