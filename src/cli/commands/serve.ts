/**
 * `ferry serve`: the GitHub App as a long-running Node server (Probot), webhooks at
 * `/api/github/webhooks`. Configuration is Probot's standard environment (see loadAppConfig);
 * a `.env` file in the working directory is read first, as Probot does.
 *
 * `ferry serve --setup` runs Probot's manifest flow instead: a local page that registers a new
 * GitHub App from `app.yml` and writes its credentials to `.env`.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApplicationFunction, Probot, run } from 'probot';
import { type AppConfig, AppConfigError, loadAppConfig } from '../../app-config/load-app-config.ts';
import { createWebhookHandler, MAX_WEBHOOK_BYTES } from '../create-webhook-handler.ts';
import { createDeliveryLog } from '../delivery-log.ts';
import { parseArgs } from '../parse-args.ts';
import { loadEnvFile } from '../read-env-file.ts';
import { UsageError } from '../usage-error.ts';

export const SERVE_USAGE = `usage: ferry serve [--setup]

Runs Ferry's GitHub App; GitHub sends webhooks to /api/github/webhooks.

environment (Probot's standard; a .env file in the working directory is read first):
  APP_ID                       the GitHub App's ID                      (required)
  PRIVATE_KEY | PRIVATE_KEY_PATH  the App's private key, or a path to it (required)
  WEBHOOK_SECRET               the App's webhook secret                 (required)
  PORT                         port to listen on                        (default 3000)
  HOST                         interface to listen on                   (default: all)
  LOG_LEVEL                    trace|debug|info|warn|error|fatal|silent (default info)
  GHE_HOST, GHE_PROTOCOL       GitHub Enterprise Server host and protocol (default https)

options:
  --setup   register a new GitHub App from app.yml (Probot's manifest flow) and write .env
  --help    show this help`;

export interface RunningServer {
  /** `http://host:port` the server listens on. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** Stops the server (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  onListening?: (server: RunningServer) => void;
  /** The app to serve; Ferry's own by default. */
  app?: ApplicationFunction;
}

/**
 * Serves the App on a plain Node HTTP server (port 0 picks a free port). Webhooks go through
 * Ferry's own endpoint (create-webhook-handler.ts: body cap, signature, duplicate deliveries),
 * then to Probot's `receive`.
 */
export async function startServer(
  config: AppConfig,
  app: ApplicationFunction,
  options: { maxBodyBytes?: number } = {},
): Promise<RunningServer> {
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    baseUrl: config.baseUrl,
    logLevel: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
  });
  await probot.load(app);
  const webhooks = createWebhookHandler({
    probot,
    secret: config.webhookSecret,
    path: config.webhookPath,
    deliveries: createDeliveryLog(),
    log: probot.log,
    maxBytes: options.maxBodyBytes ?? MAX_WEBHOOK_BYTES,
  });
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    if (!webhooks(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  probot.log.info(`Ferry is listening on http://${host}:${port}${config.webhookPath}`);
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop);
    if (signal?.aborted) stop();
  });
}

export async function serveCommand(argv: string[], options: ServeOptions = {}): Promise<number> {
  const { values: flags } = parseArgs(argv, {
    setup: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (flags.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  // Probot's manifest flow reads app.yml from the working directory; without it GitHub would be sent
  // an empty manifest (an App with no permissions and no events).
  if (flags.setup && !existsSync('app.yml')) {
    throw new UsageError(
      `no app.yml in ${process.cwd()}: run 'ferry serve --setup' where Ferry's app.yml is (the Ferry checkout), or copy it here`,
    );
  }
  const app = options.app ?? (await import('../../github/ferry-app.ts')).ferryApp;
  let env = options.env;
  if (!env) {
    // Probot reads .env too (its setup flow writes one); the real environment wins over the file.
    if (existsSync('.env')) loadEnvFile('.env');
    env = process.env;
  }

  if (flags.setup) {
    // Without APP_ID and a key, Probot's `run` serves its manifest flow (reads app.yml, writes .env).
    const server = await run(app, {
      env: { ...env, APP_ID: undefined, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: undefined },
    });
    await waitForStop(options.signal);
    await server.stop();
    return 0;
  }

  let config: AppConfig;
  try {
    config = loadAppConfig(env);
  } catch (err) {
    if (err instanceof AppConfigError) {
      console.error(
        `ferry serve: ${err.message}\n\nSee 'ferry serve --help'; to register a new App, run 'ferry serve --setup'.`,
      );
      return 2;
    }
    throw err;
  }
  const server = await startServer(
    config,
    options.app ??
      (await import('../../github/ferry-app.ts')).createFerryApp({ agentAppIds: config.agentAppIds ?? [] }),
  );
  options.onListening?.(server);
  await waitForStop(options.signal);
  await server.close();
  return 0;
}
