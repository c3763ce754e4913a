import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Three projects: plain Node (trainer, pack, SDK, CLI), workerd (the worker, with real local
// KV/D1 from wrangler.toml), and end-to-end/browser tests that drive built artefacts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['schema/**/*.test.ts', 'models/**/*.test.ts', 'sdk/**/*.test.ts', 'test/node/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('worker/migrations'),
                ADMIN_TOKEN: 'test-admin-token',
                WECHAT_OA_APPID: 'wxoa000000000001',
                WECHAT_OA_SECRET: 'test-secret',
              },
              // No network in tests: WeChat's token/ticket API is answered here; anything else is refused.
              outboundService(request: Request) {
                const url = new URL(request.url);
                if (url.hostname === 'api.weixin.qq.com' && url.pathname === '/cgi-bin/token') {
                  return Response.json(
                    url.searchParams.get('secret') === 'test-secret'
                      ? { access_token: 'TOKEN', expires_in: 7200 }
                      : { errcode: 40001, errmsg: 'invalid credential' },
                  );
                }
                if (url.hostname === 'api.weixin.qq.com' && url.pathname === '/cgi-bin/ticket/getticket') {
                  return Response.json(
                    url.searchParams.get('access_token') === 'TOKEN'
                      ? { errcode: 0, errmsg: 'ok', ticket: 'TEST_TICKET', expires_in: 7200 }
                      : { errcode: 40014 },
                  );
                }
                return new Response('no network in tests', { status: 599 });
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          setupFiles: ['test/workers/apply-migrations.ts'],
          include: ['worker/**/*.test.ts', 'test/workers/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
