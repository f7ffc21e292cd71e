// Opens the Swagger UI at BASE_URL/docs in headless Chromium, checks that every documented
// operation is listed, runs "Try it out" on GET /health, and saves a screenshot.
//
// Usage: node swagger-ui.mjs BASE_URL SCREENSHOT_PATH
// The page is opened under a name other than localhost (quantumlock.test, mapped to the
// server's loopback address inside Chromium only), because Swagger UI behaves differently for
// localhost: its default validator badge calls validator.swagger.io from any other host. Every
// request to anything but the server is refused and fails the test: the UI must work offline,
// from assets built into the binary.
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node swagger-ui.mjs BASE_URL SCREENSHOT_PATH');
  process.exit(2);
}

const served = new URL(baseUrl);
const uiBase = `http://quantumlock.test:${served.port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    `--host-resolver-rules=MAP quantumlock.test ${served.hostname}`,
    // Otherwise Chromium first tries https:// for a name that is not localhost.
    '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable',
  ],
});

let passes = 0;
let failures = 0;
function check(condition, message) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (condition) passes += 1;
  else failures += 1;
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const foreign = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${uiBase}/`)) return route.continue();
    foreign.push(url);
    return route.abort();
  });

  const document = await (await page.request.get(`${baseUrl}/openapi.json`)).json();
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ path, method, id: item[method].operationId })),
  );

  const initializer = await (await page.request.get(`${baseUrl}/docs/swagger-initializer.js`))
    .text();
  check(
    initializer.includes('"validatorUrl": "none"'),
    'swagger-initializer.js switches the online validator off',
  );

  await page.goto(`${uiBase}/docs`, { waitUntil: 'networkidle' });
  await page.locator('.opblock').first().waitFor({ timeout: 15000 });
  const listed = await page.locator('.opblock-summary-path').allTextContents();
  const listedPaths = listed.map((text) => text.replace(/\u200b/g, '').trim());
  check(
    listed.length === operations.length,
    `${listed.length} operations listed, ${operations.length} documented`,
  );
  for (const { path, method } of operations) {
    check(listedPaths.includes(path), `${method.toUpperCase()} ${path} is listed`);
  }

  const health = page.locator('.opblock-get', { has: page.locator('[data-path="/health"]') });
  await health.locator('.opblock-summary').first().click();
  await health.getByRole('button', { name: 'Try it out' }).click();
  await health.getByRole('button', { name: 'Execute' }).click();
  const status = health.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15000 });
  const statusText = (await status.textContent()).trim();
  check(statusText.startsWith('200'), `Try it out on GET /health answered ${statusText}`);
  const body = await health.locator('.live-responses-table .microlight').first().textContent();
  check(body.includes('"status"'), 'the live response shows the health body');

  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`screenshot saved to ${screenshotPath}`);
  // Give any late request (a badge image, a validator call) time to show up.
  await page.waitForTimeout(1000);
  check(foreign.length === 0, `no request left the server (${foreign.join(', ') || 'none'})`);
} catch (error) {
  console.error(error);
  failures += 1;
} finally {
  await browser.close();
}

console.log(`browser: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
