/**
 * `npm run openapi`: writes the OpenAPI document generated from the route schemas (with the default limits) to
 * server/http/openapi.json, the copy kept in the repository. test/server/http/openapi.test.ts fails when the
 * served document and the file differ, so a route change without a regenerated file is caught.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resolver } from '../../resolver/api.js';
import { RequestGate } from '../gate.js';
import { silentLogger } from '../logger.js';
import { createDaneelMetrics } from '../metrics/instruments.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { buildHttpApp } from './app.js';
import { DEFAULT_HTTP_LIMITS } from './limits.js';

export const OPENAPI_FILE = join(dirname(fileURLToPath(import.meta.url)), 'openapi.json');

/** The generated document, from an application that is built but never resolves anything. */
export async function generatedOpenApi(): Promise<unknown> {
  const idle: Resolver = {
    resolve: () => Promise.reject(new Error('documentation only')),
    resolveTLSA: () => Promise.reject(new Error('documentation only')),
    close: () => Promise.resolve(),
  };
  const app = await buildHttpApp({
    resolver: idle,
    metrics: createDaneelMetrics(createMetricsRegistry()),
    limits: DEFAULT_HTTP_LIMITS,
    gate: new RequestGate(1),
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const doc = app.swagger();
  await app.close();
  return doc;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, JSON.stringify(await generatedOpenApi(), null, 2) + '\n');
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
