// nock for forge adapter and e2e tests (after renovatebot/renovate test/http-mock.ts):
// nothing leaves the machine except loopback, and a test fails when it leaves a mock unused
// or makes a request no mock matched — even if the code under test swallowed the error.
import { after, afterEach, before } from 'node:test';
import nock from 'nock';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface HttpMock {
  /** Requests that matched no interceptor, as "METHOD url". */
  unmatched: string[];
}

/** Call once at the top of a test file. */
export function useHttpMock(): HttpMock {
  const state: HttpMock = { unmatched: [] };
  const onNoMatch = (req: { method: string; url: string }) => {
    if (!LOOPBACK.has(new URL(req.url).hostname)) state.unmatched.push(`${req.method} ${req.url}`);
  };
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => LOOPBACK.has(host.replace(/:\d+$/, '')));
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    const unmatched = state.unmatched.splice(0);
    nock.cleanAll();
    if (pending.length > 0 || unmatched.length > 0) {
      throw new Error(
        [
          pending.length > 0 ? `unused HTTP mocks:\n  ${pending.join('\n  ')}` : '',
          unmatched.length > 0 ? `unexpected HTTP requests:\n  ${unmatched.join('\n  ')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
  });
  after(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
  });
  return state;
}
