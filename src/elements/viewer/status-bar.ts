/**
 * What the agent reads in `<cobrowse-viewer>`: the status bar (state, code, the customer's page,
 * resumptions, latency, End session), the snapshot's progress, and the message over the view while
 * there is no page to show (waiting, connecting, awaiting approval, ended and what to do next).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { controlMessage, endedMessage, refusalMessage, type ViewerKey } from '../strings/viewer.js';
import type { ViewerState, ViewerStatus } from './status.js';
import type { EndReason } from '../../session/types.js';

/** A string of the element's language. */
export type Translate = (key: ViewerKey, values?: Record<string, string | number>) => string;

/** How the customer's page is sized: `fit` into the element's box, or `actual` CSS pixels (scrolls). */
export type ViewerScale = 'fit' | 'actual';

/** What the bar's buttons do. */
export interface BarActions {
  /** Fit, 100 %, and which is on. */
  fit(): void;
  actual(): void;
  scaleNow: ViewerScale;
  /** Full screen on or off, whether it is on, and whether this browser allows it here. */
  fullScreen(): void;
  fullScreenOn: boolean;
  fullScreenAllowed: boolean;
  end(): void;
  /** Asks for control, or gives it back. */
  control(): void;
  /** The agent's pen on or off, and whether it is on. */
  pen(): void;
  penOn: boolean;
  clearInk(): void;
}

/** The bar. */
export function renderBar(s: ViewerStatus, t: Translate, actions: BarActions): TemplateResult {
  const state = s.phase;
  const active = isActive(s);
  return html`<div part="bar">
      <span part="status" role="status" aria-live="polite" aria-atomic="true">
        <span part="state" data-state=${state}>${state === 'connecting' && s.awaiting ? t('awaiting') : t(state)}</span>
        ${active && s.sas ? html` <span part="code-label">${t('code')}</span> <span part="code" title=${t('codeHint')}>${s.sas}</span>` : nothing}
      </span>
      ${active && s.url ? html`<span part="page" title=${s.url}>${t('page', { page: shortUrl(s.url) })}</span>` : nothing}
      ${active && s.resumptions ? html`<span part="resumed">${t('resumedNote', { count: s.resumptions })}</span>` : nothing}
      ${state === 'connected' ? connectionFacts(s, t) : nothing} ${state === 'connected' ? controlButton(s, t, actions.control) : nothing}
      ${state === 'connected' ? penButtons(t, actions) : nothing} ${active ? viewButtons(t, actions) : nothing}
      <button type="button" part="end-button" ?disabled=${!active} @click=${actions.end}>${t('end')}</button>
    </div>
    ${active ? controlNote(s, t) : nothing}
    ${s.progress !== null ? html`<progress part="progress" max="1" .value=${s.progress} aria-label=${t('loading')}></progress>` : nothing}`;
}

/**
 * Round-trip thresholds. Under 150 ms the agent's "there, that button" and the customer's page agree
 * as in a conversation (ITU-T G.114 keeps one-way delay of a call under 150 ms for the same reason);
 * up to 400 ms the lag is noticed but the agent can work; beyond it the view trails the talk.
 */
export const LATENCY_GOOD_MS = 150;
export const LATENCY_SLOW_MS = 400;

/** `good`, `slow` or `bad`, by the thresholds above. */
export function latencyQuality(ms: number): 'good' | 'slow' | 'bad' {
  return ms < LATENCY_GOOD_MS ? 'good' : ms < LATENCY_SLOW_MS ? 'slow' : 'bad';
}

const LATENCY_KEY = { good: 'latencyGood', slow: 'latencySlow', bad: 'latencyBad' } as const;

/** `2` → `2`, `1.5` → `1.5`, `1.333…` → `1.33`: a ratio as people write it. */
function ratio(dpr: number): string {
  return String(Math.round(dpr * 100) / 100);
}

/**
 * The latency (in words as well as colour: "Delay 42 ms · good"), the customer's window ("1280×720
 * @2x") and whether the customer's tab is hidden or the customer idle (a live region of its own, so
 * a change is announced without repeating the code).
 */
function connectionFacts(s: ViewerStatus, t: Translate): TemplateResult {
  const ms = s.latency === null ? null : Math.round(s.latency);
  const quality = ms === null ? null : latencyQuality(ms);
  const vp = s.viewport;
  const size = vp && { width: vp.width, height: vp.height, dpr: ratio(vp.dpr) };
  return html`${
      quality && ms !== null
        ? html`<span part="latency" data-quality=${quality} title=${t('latencyHint')}>${t(LATENCY_KEY[quality], { ms })}</span>`
        : nothing
    }
    ${size ? html`<span part="viewport" title=${t('viewportHint', size)}>${t('viewport', size)}</span>` : nothing}
    ${s.partial ? html`<span part="partial" title=${t('partialHint')}>${t('partial')}</span>` : nothing}
    <span part="presence" role="status" aria-live="polite"
      >${s.customer.hidden ? html`<span part="customer-hidden">${t('customerHidden')}</span>` : nothing}${
        s.customer.idle ? html`<span part="customer-idle">${t('customerIdle')}</span>` : nothing
      }</span
    >`;
}

/** Fit / 100 % (one of the two pressed) and Full screen (pressed while on). */
function viewButtons(t: Translate, a: BarActions): TemplateResult {
  const pressed = (on: boolean) => (on ? 'true' : 'false');
  return html`<span part="view-controls" role="group" aria-label=${t('viewSize')}>
    <button type="button" part="fit-button" aria-pressed=${pressed(a.scaleNow === 'fit')} @click=${a.fit}>${t('fit')}</button>
    <button type="button" part="actual-button" aria-pressed=${pressed(a.scaleNow === 'actual')} @click=${a.actual}>
      ${t('actualSize')}
    </button>
    ${
      a.fullScreenAllowed
        ? html`<button type="button" part="fullscreen-button" aria-pressed=${pressed(a.fullScreenOn)} @click=${a.fullScreen}>
            ${t('fullScreen')}
          </button>`
        : nothing
    }
  </span>`;
}

/** Ask for control / Asking… / Give back control. */
function controlButton(s: ViewerStatus, t: Translate, onControl: () => void): TemplateResult {
  const label = s.control === 'granted' ? t('releaseControl') : s.control === 'asking' ? t('askingControl') : t('askControl');
  return html`<button
    type="button"
    part="control-button"
    data-control=${s.control}
    aria-pressed=${s.control === 'granted' ? 'true' : 'false'}
    ?disabled=${s.control === 'asking'}
    @click=${onControl}
  >
    ${label}
  </button>`;
}

/** Pen (draw over the page, both ways) and Clear. */
function penButtons(t: Translate, actions: BarActions): TemplateResult {
  return html`<button type="button" part="pen-button" aria-pressed=${actions.penOn ? 'true' : 'false'} @click=${actions.pen}>
      ${t('pen')}
    </button>
    <button type="button" part="clear-ink" @click=${actions.clearInk}>${t('clearInk')}</button>`;
}

/** What the agent may do now, or why control ended, in plain words. */
function controlNote(s: ViewerStatus, t: Translate): TemplateResult | typeof nothing {
  if (s.control === 'granted') {
    return html`<p part="control-note" role="status" data-control="granted" ?data-refused=${!!s.refusal}>
      ${s.refusal ? t(refusalMessage(s.refusal)) : t('controlGranted')}
    </p>`;
  }
  if (s.control === 'none' && s.controlNote) return html`<p part="control-note" role="status">${t(controlMessage(s.controlNote))}</p>`;
  return nothing;
}

/** The message over the view, or `nothing` while the page is shown. */
export function renderMessage(s: ViewerStatus, t: Translate): TemplateResult | typeof nothing {
  switch (s.phase) {
    case 'idle':
      return html`<strong>${t('waiting')}</strong> <span>${t('waitingHint')}</span>`;
    case 'connecting':
      if (s.awaiting && s.sas) return html`<strong>${t('awaitingApproval')}</strong> <span>${t('awaitingHint', { code: s.sas })}</span>`;
      return s.url ? nothing : html`<strong>${t('connecting')}</strong>`;
    case 'ended':
      return html`<strong>${t('ended')}</strong> <span>${describeState(t, 'ended', s.reason, s.reached)}</span>`;
    default:
      return nothing;
  }
}

/** The sentence for a state: for `ended`, why and what to do next (the view and `cobrowse-state` say the same). */
export function describeState(t: Translate, state: ViewerState, reason: EndReason | undefined, reached: boolean): string {
  return state === 'ended' ? t(endedMessage(reason, reached), { reason: reason ?? '' }) : t(state);
}

/** A session is on (End session ends it). */
export function isActive(s: ViewerStatus): boolean {
  return s.phase === 'connecting' || s.phase === 'connected' || s.phase === 'reconnecting';
}

/** `https://shop.example/checkout?step=2` → `shop.example/checkout`: where, without the query's noise. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.host}${u.pathname}` : url;
  } catch {
    return url;
  }
}
