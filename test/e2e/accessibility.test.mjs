// Accessibility checked by a tool (issue 17 item 6): axe-core on the customer's page with every sharer
// element open — the consent dialog with an agent's request, the sharing banner while the agent views,
// the agent's cursor over the page, the remote-control request, the control-granted banner and its
// submit confirmation — and on the agent's console with a live session, before and after control is
// granted. Zero serious or critical violations; moderate and minor ones are printed, not failed.
// Each checked state is saved as test-results/accessibility/<state>.png (CI keeps test-results/).
//
// axe looks into open shadow roots by itself; each state also asserts that axe did examine the parts
// it is about (the dialog's buttons, the banner's control row, the viewer's bar), so a state that was
// never reached, or elements axe could not see, fail instead of passing with nothing checked.
// The mirror iframe's document is the customer's page as it is, not our UI: axe runs with
// `iframes: false`, so the iframe element (its title, its tabindex) and the viewer's bar are checked
// and the document inside is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { askToSee, converge, openDemo, until } from './flow.mjs';

const AXE_SOURCE = createRequire(import.meta.url)('axe-core').source;
const SHOTS = 'test-results/accessibility';
const FAILING = new Set(['serious', 'critical']);
/** The banner's frame around the viewport while the agent controls the page (see `audit`'s `hide`). */
const FRAME = ['cobrowse-sharing-banner', 'frame'];

/**
 * One axe run in the page (pass to `page.evaluate`): its whole document and open shadow roots, not
 * its child frames; `only`: rule ids to run, else all. Returns the violations as lines with their
 * impact; `review`: what axe could not decide; `unchecked`: the colour contrasts it could not decide
 * inside our elements (cobrowse-*), which this test must not take as passed; `checked`: what it
 * examined inside shadow roots, as `host::part` (or `host::tag`), and the custom elements it examined.
 */
async function axeInPage(only) {
  const result = await window.axe.run(document, {
    iframes: false,
    elementRef: true,
    // frame-tested only reports that the frames were not tested, which is the point of `iframes: false`
    ...(only ? { runOnly: only } : { rules: { 'frame-tested': { enabled: false } } }),
  });
  const host = (el) => (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const label = (el) =>
    host(el) ? `${host(el).localName}::${el.getAttribute('part') ?? el.localName}` : el.localName.includes('-') ? el.localName : null;
  const where = (rule, n) =>
    `${rule.id} at ${JSON.stringify(n.target)}: ${[...n.any, ...n.all, ...n.none].map((c) => c.message).join(' ')}`;
  const seen = new Set();
  for (const rule of [...result.passes, ...result.violations, ...result.incomplete])
    for (const node of rule.nodes) if (node.element && label(node.element)) seen.add(label(node.element));
  const contrast = result.incomplete.find((rule) => rule.id === 'color-contrast');
  return {
    checked: [...seen],
    review: result.incomplete.flatMap((rule) => rule.nodes.map((n) => where(rule, n))),
    unchecked: (contrast?.nodes ?? []).filter((n) => host(n.element)?.localName.startsWith('cobrowse-')).map((n) => where(contrast, n)),
    violations: result.violations.flatMap((rule) =>
      rule.nodes.map((n) => ({
        impact: n.impact ?? rule.impact,
        line: `${n.impact ?? rule.impact} ${rule.id} (${rule.help}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ')}`,
      })),
    ),
  };
}

/**
 * Runs axe on `page` and saves a screenshot as `<name>.png`. Prints every violation (serious and
 * critical first) and what needs a person's review. Returns the serious and critical ones as lines
 * (a contrast axe could not decide in our elements counts as one), and what axe examined.
 * `hide`: [host, part] of a see-through overlay to hide for a second, contrast-only run: axe counts
 * any box over text as covering it, so it cannot decide contrast under the banner's control frame
 * (a transparent, click-through border around the whole viewport). The first run checks the frame.
 */
async function audit(page, name, hide = null) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const run = await page.evaluate(axeInPage, null);
  if (hide) {
    const toggle = (value) =>
      page.evaluate(
        ([h, p, v]) => (document.querySelector(h).shadowRoot.querySelector(`[part~="${p}"]`).style.visibility = v),
        [...hide, value],
      );
    await toggle('hidden');
    const contrast = await page.evaluate(axeInPage, ['color-contrast']);
    await toggle('');
    const lines = new Set(run.violations.map((v) => v.line));
    run.violations.push(...contrast.violations.filter((v) => !lines.has(v.line)));
    run.unchecked = contrast.unchecked;
    run.review = [...run.review.filter((line) => !line.startsWith('color-contrast')), ...contrast.review];
  }
  const bad = run.violations.filter((v) => FAILING.has(v.impact)).map((v) => v.line);
  bad.push(...run.unchecked.map((line) => `axe could not decide: ${line}`));
  const rest = run.violations.filter((v) => !FAILING.has(v.impact)).map((v) => v.line);
  console.log(`axe, ${name}: ${bad.length} serious or critical, ${rest.length} moderate or minor`);
  for (const line of [...bad, ...rest]) console.log(`  ${line}`);
  for (const line of run.review) console.log(`  needs review: ${line}`);
  return { bad, checked: run.checked };
}

/**
 * Audits `page` as `name` (see `audit`); asserts axe examined each of `parts` (the state was reached
 * and axe saw into it); returns the serious and critical violations, prefixed with the state's name.
 */
async function assertAccessible(page, name, parts, hide = null) {
  const { bad, checked } = await audit(page, name, hide);
  for (const part of parts) assert.ok(checked.includes(part), `${name}: axe did not examine ${part} (it examined ${checked.join(', ')})`);
  return bad.map((line) => `${name}: ${line}`);
}

describe('accessibility (axe-core): the customer page with every sharer element open, the agent console live', () => {
  let t;
  before(async () => {
    // wide enough that the consent dialog does not sit over the chat widget: axe does not know the top
    // layer (showModal) and would take the widget for something covering the dialog's Allow button
    t = await openDemo({ viewports: { 'customer.html': { width: 1280, height: 800 }, 'agent.html': { width: 1700, height: 1100 } } });
  });
  after(async () => t?.close());

  /**
   * The agent's page point over `selector` as it is on the customer's page (the viewer at 1:1). Not
   * where the mirror shows it: at this width the masked delivery address wraps onto fewer lines in the
   * mirror (asterisks for CJK text), so everything under it sits 20 px higher in the agent's view.
   */
  const over = async (selector) => {
    const frame = await t.agent.locator('cobrowse-viewer iframe').boundingBox();
    const box = await t.customer.locator(selector).boundingBox();
    return [frame.x + box.x + box.width / 2, frame.y + box.y + box.height / 2];
  };

  // one walk-through, in order: each `it` starts where the previous one left the two pages
  const found = { customer: [], agent: [] };
  /** Audits one side ('customer' or 'agent') in the state `name`; its findings are asserted at the end. */
  const check = async (side, name, parts, hide = null) => found[side].push(...(await assertAccessible(t[side], name, parts, hide)));

  it('the consent dialog, showing the agent’s request', async () => {
    await askToSee(t);
    await t.customer.locator('cobrowse-consent [part~=allow]').waitFor({ state: 'visible' });
    await check('customer', 'customer-1-consent', [
      'cobrowse-consent::dialog',
      'cobrowse-consent::button deny',
      'cobrowse-consent::button allow',
    ]);
  });

  it('the sharing banner while the agent views, with the agent’s cursor over the page; the agent console live', async () => {
    await t.customer.locator('cobrowse-consent [part~=allow]').click();
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the agent to see the page');
    await converge(t, 'the first page');
    const view = await t.agent.locator('cobrowse-viewer [part=view]').boundingBox();
    await t.agent.mouse.move(view.x + 300, view.y + 200);
    await t.customer.locator('cobrowse-annotations [part~=cursor]').waitFor({ state: 'attached' });
    await check('customer', 'customer-2-viewing', [
      'cobrowse-sharing-banner::banner',
      'cobrowse-sharing-banner::button stop',
      'cobrowse-sharing-banner::button pen',
      'cobrowse-annotations',
    ]);
    await check('agent', 'agent-1-live', ['cobrowse-viewer::control-button', 'cobrowse-viewer::iframe']);
  });

  it('the remote-control request: Allow control / Deny', async () => {
    await t.agent.locator('cobrowse-viewer [part=control-button]').click();
    await t.customer.locator('cobrowse-sharing-banner [part~=allow-control]').waitFor({ state: 'visible' });
    await check('customer', 'customer-3-control-request', [
      'cobrowse-sharing-banner::control-request',
      'cobrowse-sharing-banner::button allow-control',
      'cobrowse-sharing-banner::button deny-control',
    ]);
  });

  it('control granted: the banner says who controls the page, Take back; the agent console under control', async () => {
    await t.customer.locator('cobrowse-sharing-banner [part~=allow-control]').click();
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.control === 'granted'), 'control granted');
    await t.customer.locator('cobrowse-sharing-banner [part~=take-back]').waitFor({ state: 'visible' });
    const granted = ['control', 'button take-back', 'frame'].map((part) => `cobrowse-sharing-banner::${part}`);
    await check('customer', 'customer-4-control-granted', granted, FRAME);
    await check('agent', 'agent-2-control-granted', ['cobrowse-viewer::control-button', 'cobrowse-viewer::view']);
  });

  it('the agent submits a form: the customer is asked, Submit / Cancel', async () => {
    // 1:1, so a point on the customer's page is the same point in the view (the audits above saw the default fit)
    await t.agent.evaluate(() => document.querySelector('cobrowse-viewer').setAttribute('scale', 'actual'));
    await t.customer.locator('#checkout-form button[type=submit]').scrollIntoViewIfNeeded();
    await converge(t, 'the submit button in view');
    const [x, y] = await over('#checkout-form button[type=submit]');
    await t.agent.mouse.click(x, y);
    const question = t.customer.locator('cobrowse-sharing-banner [part~=confirm-submit]');
    await question.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (err) => {
      const note = await t.agent.locator('cobrowse-viewer [part~=control-note]').textContent();
      throw new Error(`${err.message}\nclicked at ${x},${y}; the agent's view says: ${note.trim()}`);
    });
    const confirm = ['confirm-submit', 'button submit', 'button decline-submit'].map((part) => `cobrowse-sharing-banner::${part}`);
    await check('customer', 'customer-5-confirm-submit', confirm, FRAME);
    await t.customer.locator('cobrowse-sharing-banner [part~=decline-submit]').click();
  });

  it('no serious or critical violations on the customer page', () => {
    assert.deepEqual(found.customer, []);
  });

  it('no serious or critical violations on the agent console', () => {
    assert.deepEqual(found.agent, []);
  });
});
