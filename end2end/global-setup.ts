// cargo-leptos starts the server and Playwright at the same time; wait until it answers.
// With the release binary at hand (PULSE_E2E_BIN), also create the editor the desk tests sign
// in as, with `pulse user add` on the same data directory.
// When .ci/test provides a PostgreSQL database (PULSE_E2E_POSTGRES_URL), also start two more
// instances of the same release binary on it, for the tests that span instances; they are
// stopped when the run ends.
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The project root: the servers read Leptos.toml and content/ from there.
const ROOT = resolve(__dirname, '..');

export const INSTANCE_PORTS = [3921, 3922];
/** Set once the run is over: exits after that are ours. */
let stopping = false;

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Pulse did not become ready at ${url}: ${last}`);
}

function startInstance(port: number, dataDir: string, secret: string): ChildProcess {
  const env = {
    ...process.env,
    DATABASE_URL: process.env.PULSE_E2E_POSTGRES_URL,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    PULSE_BASE_URL: `http://127.0.0.1:${port}`,
    PULSE_DATA_DIR: dataDir,
    PULSE_SECRET_FILE: secret,
    PULSE_CONTENT_DIR: join(ROOT, 'content'),
    LEPTOS_OUTPUT_NAME: 'pulse',
    LEPTOS_SITE_ROOT: process.env.PULSE_E2E_SITE_ROOT,
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_HASH_FILES: 'true',
    RUST_LOG: 'warn',
  };
  const child = spawn(process.env.PULSE_E2E_BIN!, [], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`instance on ${port} exited early (${code ?? signal})`);
  });
  return child;
}

/** Adds the desk tests' editor; its password reaches the tests through the environment. */
function addEditor(): void {
  const email = 'eddie@pulse.test';
  const password = `e2e ${Math.random().toString(36).slice(2)} desk password`;
  const result = spawnSync(
    process.env.PULSE_E2E_BIN!,
    ['user', 'add', '--email', email, '--name', 'Eddie Editor', '--role', 'admin'],
    { cwd: ROOT, input: `${password}\n`, env: { ...process.env, RUST_LOG: 'warn' }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`pulse user add failed: ${result.stderr}`);
  process.env.PULSE_E2E_EDITOR_EMAIL = email;
  process.env.PULSE_E2E_EDITOR_PASSWORD = password;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  await waitFor(`http://${process.env.LEPTOS_SITE_ADDR ?? '127.0.0.1:3000'}/healthz`, 120_000);
  if (process.env.PULSE_E2E_BIN) addEditor();
  if (!process.env.PULSE_E2E_POSTGRES_URL) return async () => {};
  if (!process.env.PULSE_E2E_BIN || !process.env.PULSE_E2E_SITE_ROOT) {
    throw new Error('PULSE_E2E_POSTGRES_URL needs PULSE_E2E_BIN and PULSE_E2E_SITE_ROOT too');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pulse-instances-'));
  const secret = join(dir, 'secret.key');
  const children: ChildProcess[] = [];
  // One after the other: the first imports the content and writes the shared secret.
  for (const [i, port] of INSTANCE_PORTS.entries()) {
    children.push(startInstance(port, join(dir, `instance-${i}`), secret));
    await waitFor(`http://127.0.0.1:${port}/readyz`, 60_000);
  }
  return async () => {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  };
}
