/** The OpenAPI document served at /openapi.json is generated from the route schemas and equals the file kept in the repository. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedOpenApi, OPENAPI_FILE } from '../../../server/http/openapi-write.js';
import { buildTestApp } from './test-app.js';

describe('OpenAPI document', () => {
  it('server/http/openapi.json is the generated document (run `npm run openapi` after changing a route)', async () => {
    const file = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as unknown;
    expect(await generatedOpenApi()).toEqual(file);
  });

  it('GET /openapi.json serves it, with every route and its parameters', async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }>();
    expect(doc).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(Object.keys(doc.paths).sort()).toEqual(['/dane/verify', '/dns-query', '/healthz', '/metrics', '/resolve', '/tlsa']);
    expect(Object.keys(doc.paths['/dns-query']!).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/resolve']!.get!.parameters!.map((p) => p.name)).toEqual(['name', 'type', 'do', 'cd']);
    expect(doc.paths['/tlsa']!.get!.parameters!.map((p) => p.name)).toEqual(['host', 'port', 'proto', 'client-id']);
    await app.close();
  });
});
