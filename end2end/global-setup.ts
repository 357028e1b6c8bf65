// cargo-leptos starts the server and Playwright at the same time; wait until it answers.
export default async function globalSetup(): Promise<void> {
  const url = `http://${process.env.LEPTOS_SITE_ADDR ?? '127.0.0.1:3000'}/healthz`;
  const deadline = Date.now() + 120_000;
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
  throw new Error(`Pulse did not become healthy at ${url}: ${last}`);
}
