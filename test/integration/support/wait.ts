/** Polls `check` until it holds or the time is up; answers whether it held. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
