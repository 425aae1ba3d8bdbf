/**
 * Real HTTP and DoH clients run inside the hierarchy's network namespace: curl (HTTP/1.1, HTTP/2 over TLS) and
 * kdig +https (RFC 8484), with their output parsed just enough for the tests.
 */
import { execFile } from 'node:child_process';

export interface CurlResult {
  status: number;
  /** "1.1" or "2". */
  httpVersion: string;
  contentType: string;
  body: string;
  json: <T = Record<string, unknown>>() => T;
  raw: string;
}

const MARK = '\n@@curl@@';

function run(netns: string, cmd: string, args: readonly string[], input?: Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('ip', ['netns', 'exec', netns, cmd, ...args], { timeout: 60_000, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input) child.stdin?.end(input);
  });
}

/** `curl -s URL [args]` in the namespace; `--data-binary @-` reads `body` from stdin. */
export async function curl(netns: string, url: string, args: readonly string[] = [], body?: Buffer): Promise<CurlResult> {
  const r = await run(netns, 'curl', ['-sS', '-g', '--noproxy', '*', '--max-time', '30', ...args, '-w', `${MARK} %{http_code} %{http_version} %{content_type}`, url], body);
  const at = r.stdout.lastIndexOf(MARK);
  if (at < 0) throw new Error(`curl ${url} failed (exit ${r.code}): ${r.stderr}`);
  const [status, httpVersion, contentType] = r.stdout.slice(at + MARK.length).trim().split(' ');
  const text = r.stdout.slice(0, at);
  return {
    status: Number(status),
    httpVersion: httpVersion ?? '',
    contentType: contentType ?? '',
    body: text,
    json: <T>() => JSON.parse(text) as T,
    raw: `curl ${args.join(' ')} ${url} -> ${status}\n${text}\n${r.stderr}`,
  };
}

export interface KdigResult {
  rcode: string;
  flags: string[];
  ad: boolean;
  ede?: number;
  edeText?: string;
  answerTypes: string[];
  /** e.g. "HTTP/2-POST", "HTTP/2-GET". */
  session: string;
  httpStatus: number;
  raw: string;
}

/** `kdig @server -p port +https[-get] NAME TYPE [opts]` in the namespace (certificate not checked: no +tls-ca). */
export async function kdigHttps(netns: string, server: string, port: number, name: string, type: string, opts: readonly string[] = []): Promise<KdigResult> {
  const r = await run(netns, 'kdig', [`@${server}`, '-p', String(port), ...opts, name, type]);
  const out = r.stdout;
  const rcode = /status: ([A-Z]+)/.exec(out)?.[1];
  if (!rcode) throw new Error(`kdig printed no header (exit ${r.code}):\n${out}\n${r.stderr}`);
  const flags = (/;; Flags: ([^;]*);/.exec(out)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const ede = /;; EDE: (\d+)(?: \([^)]*\))?(?:: '(.*)')?/.exec(out);
  const answerAt = out.indexOf(';; ANSWER SECTION:');
  const answerTypes = answerAt < 0 ? [] : out.slice(answerAt).split('\n').slice(1).filter((l) => l.trim() && !l.startsWith(';;')).map((l) => l.trim().split(/\s+/)[3] ?? '');
  const session = /\(HTTP\/([^)]*)\)/.exec(out)?.[1] ?? '';
  const httpStatus = Number(/\(status: (\d+)\)/.exec(out)?.[1] ?? 0);
  const result: KdigResult = { rcode, flags, ad: flags.includes('ad'), answerTypes, session: `HTTP/${session}`, httpStatus, raw: out };
  if (ede) {
    result.ede = Number(ede[1]);
    if (ede[2] !== undefined) result.edeText = ede[2];
  }
  return result;
}
