import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGateway, startWorker, createTenantKey, type RunningGateway, type RunningWorker } from '../support/platform';

/** Debian's chromium (ops/infra/chromium.sh installs it; `npm test` runs that through up.sh --with-chromium). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-results');

const order = {
  customerId: 'cust-docs',
  currency: 'EUR',
  items: [{ sku: 'SKU-DOCS', quantity: 1, unitPriceMinor: 1999 }],
  shippingAddress: { line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
};

describe('e2e: GET /docs in headless Chromium (Swagger UI over the OpenAPI document)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  let key: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (bash ops/infra/chromium.sh install, or apt-get install chromium)`);
    }
    gw = await startGateway();
    worker = await startWorker('orders');
    key = await createTenantKey(gw, 'tenant-docs');
    // No background traffic: the machine's network reaches nothing but loopback. Playwright gives
    // every launch a new empty profile (--user-data-dir) of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  });
  after(async () => {
    await browser?.close();
    await worker?.close();
    await gw?.close();
  });

  it('loads with no console errors and lists the order routes', async () => {
    const res = await page.goto(`${gw.url}/docs/`, { waitUntil: 'networkidle' });
    expect(res?.status()).to.equal(200);
    // The page's own policy: scripts from the gateway only, never inline or eval'd.
    const csp = (await res?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).to.include("script-src 'self'").and.include("default-src 'none'");
    expect(csp).not.to.match(/unsafe-eval|script-src[^;]*unsafe-inline/);
    await page.locator('.opblock-tag-section').first().waitFor({ timeout: 30_000 });
    const orderRoutes = await page.locator('.opblock-summary-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    for (const p of ['/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/cancel', '/v1/orders/{id}/transitions']) expect(orderRoutes).to.include(p);
    expect(consoleErrors, consoleErrors.join('\n')).to.deep.equal([]);
  });

  it("keeps helmet's policy on every other answer (the docs policy is /docs only)", async () => {
    const spec = await fetch(`${gw.url}/v1/openapi.json`);
    const csp = spec.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("script-src 'self'").and.not.include("default-src 'none'");
  });

  it("authorizes with an API key and 'try it out' creates an order (202)", async () => {
    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.dialog-ux');
    const apiKeyForm = dialog.locator('.auth-container').filter({ hasText: 'X-API-Key' });
    await apiKeyForm.locator('input[type=text], input[type=password]').first().fill(key);
    await apiKeyForm.locator('button.authorize').click();
    await dialog.locator('button.btn-done').first().click();

    const op = page.locator('#operations-orders-orderCreate');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('textarea.body-param__text').fill(JSON.stringify(order, null, 2));
    await op.locator('button.execute').click();

    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    const body = (await op.locator('.live-responses-table .microlight').first().textContent()) ?? '';
    expect((await status.textContent())?.trim(), body).to.equal('202');
    const operation = JSON.parse(body) as { id: string; type: string };
    expect(operation.type).to.equal('order.create.v1');

    // The order the page created is a real one: the worker applies it.
    const done = await fetch(`${gw.url}/v1/operations/${operation.id}`, { headers: { 'X-API-Key': key, Prefer: 'wait=20' } });
    expect(((await done.json()) as { status: string }).status).to.equal('succeeded');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'docs.png');
    await op.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot, fullPage: false });
    console.log(`      screenshot: ${shot}`);
    expect(consoleErrors, consoleErrors.join('\n')).to.deep.equal([]);
  });
});
