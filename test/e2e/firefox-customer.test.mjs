// A customer in Firefox shares with an agent in Chromium (issue 15, item 4): the demo through the
// reference server, over a real data channel between the two engines. Firefox ESR (Debian's) is
// driven over WebDriver BiDi by puppeteer-core, the agent's console by Playwright's Chromium. The
// page arrives whole with its masked fields masked, follows the customer to the cart, and comes back
// by itself after the agent's connection is cut.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { puppeteerCore } from '@web/test-runner-chrome';
import { FIREFOX_PREFS, findFirefox } from '../launchers/firefox.mjs';
import { converge, openDemo, RECORD_CONNECTIONS, until } from './flow.mjs';

describe('a customer in Firefox, an agent in Chromium', () => {
  let t;
  let firefox;
  let customer;
  before(async () => {
    // the agent's connections are recorded so the test can cut them
    t = await openDemo({ customer: false, initScript: RECORD_CONNECTIONS, viewports: { 'agent.html': { width: 1400, height: 1000 } } });
    firefox = await puppeteerCore.launch({
      browser: 'firefox',
      executablePath: findFirefox(),
      headless: true,
      extraPrefsFirefox: FIREFOX_PREFS,
    });
    customer = await firefox.newPage();
    await customer.setViewport({ width: 1000, height: 760 });
    await customer.goto(`${t.demo.url}customer.html`);
  });
  after(async () => {
    await customer?.evaluate(() => window.cobrowseSharing?.stop()).catch(() => {});
    await firefox?.close();
    await t?.close();
  });

  const inShadow = (tag, part) =>
    customer.evaluate((tg, p) => !!document.querySelector(tg)?.shadowRoot?.querySelector(`[part~=${p}]`), tag, part);

  it('the page arrives whole and masked, follows the customer to the cart, and survives a cut connection', async () => {
    await until(
      () => customer.evaluate(() => document.querySelector('#chat-state')?.textContent === 'online'),
      'the customer chat (Firefox)',
    );
    await t.agent.locator('#rooms button').first().click({ timeout: 15_000 });
    await t.agent.locator('#chat').waitFor({ state: 'visible' });
    await t.agent.click('#invite');
    await until(() => inShadow('cobrowse-consent', 'allow'), 'the consent in Firefox');
    await customer.evaluate(() => document.querySelector('cobrowse-consent').shadowRoot.querySelector('[part~=allow]').click());
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent (Chromium) to see the page');
    assert.match(await customer.evaluate(() => navigator.userAgent), /Firefox/);

    await customer.type('input[name=name]', 'Hanako');
    await customer.type('input[name=card]', '4111 1111 1111 1111');
    const c = { customer, agent: t.agent };
    await converge(c, 'the page, Firefox → Chromium');
    const seen = await t.agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=card]').value);
    assert.ok(!seen.includes('4111'), `the card number never reaches the agent: ${seen}`);

    // a link: the customer's next page (in Firefox) resumes the share and dials the agent again
    await Promise.all([customer.waitForNavigation(), customer.click('#cart-link')]);
    await until(() => t.agent.evaluate(() => /cart\.html$/.test(window.cobrowseViewing?.mirror.url ?? '')), 'the cart in the agent’s view');
    await converge(c, 'the cart, Firefox → Chromium');

    // the agent's connections cut: the view comes back by itself, with what the customer did meanwhile
    await t.agent.evaluate(() => window.__pcs.forEach((pc) => pc.close()));
    await customer.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p id="while-cut">changed while the link was down</p>'));
    await until(
      () => t.agent.evaluate(() => !!window.cobrowseViewing?.mirror.document?.getElementById('while-cut')),
      'the change made during the cut',
      30_000,
    );
    await converge(c, 'after the reconnection');
  });
});
