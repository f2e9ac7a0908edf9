/** The look of `<cobrowse-viewer>`: its parts and the theme properties listed on the element. */
import { css, unsafeCSS } from 'lit';
import { inkStyles } from '../ink-strokes.js';

export const viewerStyles = css`
  ${unsafeCSS(inkStyles)}
  [part~='view'][data-pen] {
    cursor: crosshair;
    touch-action: none;
  }
  [part~='pen-button'][aria-pressed='true'] {
    background: var(--cobrowse-accent, #2451c7);
    color: #fff;
  }
  :host {
    display: flex;
    flex-direction: column;
    min-height: 12rem;
    font-family: var(--cobrowse-font, system-ui, sans-serif);
    font-size: var(--cobrowse-font-size, 14px);
    line-height: 1.4;
    color: var(--cobrowse-color, #1d1d1f);
    background: var(--cobrowse-bg, #f4f5f7);
    border: var(--cobrowse-border, 1px solid #d0d4dc);
    border-radius: var(--cobrowse-radius, 6px);
    overflow: hidden;
  }
  :host([hidden]) {
    display: none;
  }
  [part~='bar'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 1rem;
    padding: 0.4rem 0.75rem;
    background: var(--cobrowse-bar-bg, #fff);
    border-bottom: 1px solid var(--cobrowse-bar-border, #d0d4dc);
  }
  [part~='state']::before {
    content: '';
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-right: 0.4em;
    border-radius: 50%;
    background: var(--cobrowse-muted, #8a8f98);
  }
  [part~='state'][data-state='connected']::before {
    background: var(--cobrowse-ok, #1f9d55);
  }
  [part~='state'][data-state='connecting']::before,
  [part~='state'][data-state='reconnecting']::before {
    background: var(--cobrowse-warn, #e0a800);
  }
  [part~='code'] {
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.12em;
  }
  [part~='page'] {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 40ch;
  }
  [part~='latency'],
  [part~='viewport'] {
    color: var(--cobrowse-muted, #5f6570);
    font-variant-numeric: tabular-nums;
  }
  /* the quality is in the words ("good"); the dot repeats it in colour for a glance */
  [part~='latency']::before {
    content: '';
    display: inline-block;
    width: 0.55em;
    height: 0.55em;
    margin-right: 0.35em;
    border-radius: 50%;
    background: var(--cobrowse-ok, #1f9d55);
  }
  [part~='latency'][data-quality='slow']::before {
    background: var(--cobrowse-warn, #e0a800);
  }
  [part~='latency'][data-quality='bad'] {
    color: var(--cobrowse-bad, #b3261e);
    font-weight: 600;
  }
  [part~='latency'][data-quality='bad']::before {
    background: var(--cobrowse-bad, #b3261e);
  }
  [part~='presence'] {
    display: contents;
  }
  [part~='customer-hidden'],
  [part~='customer-idle'],
  [part~='partial'] {
    padding: 0.1em 0.55em;
    border-radius: 999px;
    background: #fff4d6;
    color: #6b4a00;
    border: 1px solid #e0a800;
    font-weight: 600;
  }
  [part~='view-controls'] {
    display: inline-flex;
    gap: 0.25rem;
  }
  [part~='view-controls'] button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--cobrowse-radius, 6px);
    padding: 0.2em 0.6em;
    border: 1px solid var(--cobrowse-bar-border, #d0d4dc);
    background: transparent;
    color: inherit;
  }
  [part~='view-controls'] button[aria-pressed='true'] {
    border-color: var(--cobrowse-accent, #2451c7);
    background: var(--cobrowse-accent, #2451c7);
    color: #fff;
  }
  [part~='view-controls'] button:focus-visible {
    outline: 3px solid var(--cobrowse-focus-ring, #8fb0ff);
    outline-offset: 2px;
  }
  [part~='end-button'] {
    margin-left: auto;
    font: inherit;
    cursor: pointer;
    border-radius: var(--cobrowse-radius, 6px);
    padding: 0.35em 0.9em;
    border: 1px solid var(--cobrowse-danger, #c62828);
    background: var(--cobrowse-danger, #c62828);
    color: var(--cobrowse-danger-contrast, #fff);
  }
  [part~='end-button']:disabled {
    cursor: default;
    opacity: 0.45;
  }
  [part~='end-button']:focus-visible {
    outline: 3px solid var(--cobrowse-focus-ring, var(--cobrowse-accent, #2451c7));
    outline-offset: 2px;
  }
  [part~='control-button'] {
    font: inherit;
    cursor: pointer;
    border-radius: var(--cobrowse-radius, 6px);
    padding: 0.35em 0.9em;
    border: 1px solid var(--cobrowse-accent, #2451c7);
    background: transparent;
    color: var(--cobrowse-accent, #2451c7);
  }
  [part~='control-button'][data-control='granted'] {
    background: var(--cobrowse-accent, #2451c7);
    color: #fff;
  }
  [part~='control-button']:disabled {
    cursor: default;
    opacity: 0.6;
  }
  [part~='control-button']:focus-visible {
    outline: 3px solid var(--cobrowse-focus-ring, var(--cobrowse-accent, #2451c7));
    outline-offset: 2px;
  }
  [part~='control-note'] {
    margin: 0;
    padding: 0.3em 0.75em;
    color: var(--cobrowse-muted, #555);
  }
  [part~='control-note'][data-control='granted'] {
    color: var(--cobrowse-accent, #2451c7);
    font-weight: 600;
  }
  [part~='progress'] {
    display: block;
    width: 100%;
    height: 4px;
    border: 0;
    appearance: none;
    background: transparent;
    accent-color: var(--cobrowse-accent, #2451c7);
  }
  [part~='progress']::-webkit-progress-bar {
    background: transparent;
  }
  [part~='progress']::-webkit-progress-value {
    background: var(--cobrowse-accent, #2451c7);
  }
  /* the customer's aspect ratio (set from its viewport) is the stage's preferred size: with the
     element's height free it is exactly as tall as the page needs; a given height (or full screen)
     grows or shrinks it (flex). Never sized by its content: the view inside is laid out to fit it */
  [part~='stage'] {
    position: relative;
    flex: 1 1 auto;
    min-height: 0;
    aspect-ratio: 4 / 3;
    overflow: auto;
  }
  /* fit never overflows: no scrollbar may take width from the page it scales to */
  :host(:not([scale='actual'])) [part~='stage'] {
    overflow: hidden;
  }
  /* sized by the element (fit) or the customer's viewport (actual), never by its content: the
     Mirror's ResizeObserver watches this box, and a box that grew with the mirror it lays out would
     notify again in the same frame (a ResizeObserver loop) */
  [part~='view'] {
    position: relative;
    margin: 0 auto;
    overflow: hidden;
    cursor: crosshair;
  }
  :host(:fullscreen) {
    border-radius: 0;
  }
  /* the mirror takes no pointer events: they are the agent's annotations (see pointer.ts) */
  [part~='view'] iframe {
    pointer-events: none;
  }
  :host([no-cursor]) [data-cobrowse-mirror-overlay] {
    display: none;
  }
  [part~='message'] {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    padding: 1.5rem;
    text-align: center;
    color: var(--cobrowse-muted, #5f6570);
  }
  [part~='message'][hidden] {
    display: none;
  }
  [part~='message'] strong {
    color: var(--cobrowse-color, #1d1d1f);
    font-size: 1.1em;
  }
`;
