// POST /api/github/webhooks through Probot's createNodeMiddleware (its @octokit/webhooks
// verifies the signature and dispatches to our app function, which only normalises and
// enqueues). We check the signature first as well, over the raw bytes, so a bad or missing one
// is a 401 (the library says 400) and nothing reaches Probot; its 200 "ok" becomes our 202.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import { createNodeMiddleware, Probot, ProbotOctokit, type ApplicationFunction } from 'probot';
import { normalizeGithubEvent } from '../bot/index.ts';
import type { OnJob } from './create-server.ts';
import { readWebhookBody } from './read-body.ts';
import { requestHeader as header } from './request-header.ts';
import { captureResponse, parseJsonObject, sendAccepted, sendEmpty, sendJson, type Route } from './respond.ts';
import { hexFromHubSignature, verifySignature } from './verify-signature.ts';

export interface GithubServerConfig {
  appId: string | number;
  privateKey: string;
  webhookSecret: string;
  /** GitHub Enterprise Server API root, e.g. https://ghe.example.com/api/v3 */
  baseUrl?: string;
  /** Octokit class for the app (tests turn retries off); default Probot's. */
  Octokit?: typeof ProbotOctokit;
}

interface RouteDeps {
  config: GithubServerConfig;
  path: string;
  onJob: OnJob;
  log: Logger;
  bodyLimit: number;
}

/** What the app function learned about the delivery being answered. */
interface Slot {
  queued: string | null;
  malformed: string | null;
  /** Recording the job failed (e.g. the database is locked): rethrown to the server's error answer. */
  failed?: unknown;
}

export interface GithubRoute {
  route: Route;
  /** An Octokit authenticated as the installation. */
  auth(installationId: number): Promise<ProbotOctokit>;
  /** "<app-slug>[bot]", read once from GET /app. */
  botLogin(): Promise<string>;
}

export async function createGithubRoute(d: RouteDeps): Promise<GithubRoute> {
  const probot = new Probot({
    appId: d.config.appId,
    privateKey: d.config.privateKey,
    secret: d.config.webhookSecret,
    log: d.log.child({ name: 'probot' }),
    ...(d.config.baseUrl ? { baseUrl: d.config.baseUrl } : {}),
    ...(d.config.Octokit ? { Octokit: d.config.Octokit } : {}),
  });
  const delivery = new AsyncLocalStorage<Slot>();
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async (context) => {
      const result = normalizeGithubEvent(context.name, context.payload, context.id);
      const slot = delivery.getStore();
      if ('ignored' in result) {
        if (result.malformed && slot) slot.malformed = result.ignored;
        d.log.debug({ delivery: context.id, event: context.name }, `delivery ignored: ${result.ignored}`);
        return;
      }
      if (!slot) {
        await d.onJob(result);
        return;
      }
      try {
        slot.queued = (await d.onJob(result)) ?? 'queued';
      } catch (err) {
        slot.failed = err;
      }
    });
  };
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: d.path });

  const route: Route = async (req, res) => {
    const body = await readWebhookBody(req, res, d.bodyLimit);
    if (body === null) return;
    if (!verifySignature(d.config.webhookSecret, body, hexFromHubSignature(header(req, 'x-hub-signature-256')))) {
      d.log.warn({ delivery: header(req, 'x-github-delivery') }, 'GitHub delivery with a missing or wrong signature refused');
      return sendJson(res, 401, { error: 'signature missing or wrong: the App webhook secret must equal WEBHOOK_SECRET' });
    }
    // Probot answers 500 for a JSON body that is not an object ("null"): refuse it first.
    const parsed = parseJsonObject(body);
    if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
    // @octokit/webhooks reads `rawBody` when a framework has consumed the stream already.
    Object.assign(req, { body: {}, rawBody: new Uint8Array(body) });
    const captured = captureResponse();
    const slot: Slot = { queued: null, malformed: null };
    await delivery.run(slot, () => middleware(req, captured.res));
    if (slot.failed !== undefined) throw slot.failed;
    if (captured.status === 200) {
      if (slot.queued !== null) return sendAccepted(res, header(req, 'x-github-delivery'), slot.queued);
      if (slot.malformed !== null) return sendJson(res, 400, { error: `${slot.malformed}: a field bumpguard needs is missing or has the wrong type` });
      return sendEmpty(res, 204);
    }
    res.writeHead(captured.status || 500, captured.headers).end(captured.body);
  };

  let login: Promise<string> | null = null;
  const botLogin = (): Promise<string> => {
    login ??= probot
      .auth()
      .then((app) => app.request('GET /app'))
      .then((r) => `${r.data?.slug}[bot]`);
    login.catch(() => {
      login = null;
    });
    return login;
  };
  return { route, auth: (installationId) => probot.auth(installationId), botLogin };
}
