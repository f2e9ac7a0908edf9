/**
 * The strings of the viewer's element (the agent's console). Same keys in every language. The
 * Japanese is written for a support agent at work: plain polite (です/ます), short, and it says
 * 「お客様」 for the customer, as a Japanese contact centre would.
 *
 * Every "ended" message says what to do next: an agent reading it in the middle of a call needs the
 * next step, not the protocol's reason code.
 */
import type { Catalog } from '../i18n.js';

export type ViewerKey =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'ended'
  | 'waiting'
  | 'waitingHint'
  | 'awaiting'
  | 'awaitingApproval'
  | 'awaitingHint'
  | 'resumedNote'
  | 'code'
  | 'codeHint'
  | 'page'
  | 'loading'
  | 'end'
  | 'view'
  | 'endedStopped'
  | 'endedRemote'
  | 'endedLost'
  | 'endedUnreachable'
  | 'endedSecurity'
  | 'endedSignaling'
  | 'endedTimeout'
  | 'endedDenied'
  | 'endedApprovalTimeout'
  | 'endedOther'
  | 'askControl'
  | 'askingControl'
  | 'releaseControl'
  | 'controlGranted'
  | 'controlDenied'
  | 'controlExpired'
  | 'controlRevoked'
  | 'controlHidden'
  | 'controlNavigation'
  | 'refusedPrivate'
  | 'refusedReadonly'
  | 'refusedFile'
  | 'refusedEditable'
  | 'refusedNavigation'
  | 'refusedOutside'
  | 'refusedChanged'
  | 'refusedNotFocused'
  | 'refusedSubmitDeclined'
  | 'refusedConfirmSubmit'
  | 'refusedNotControlling'
  | 'refusedOther'
  | 'controlBusy'
  | 'controlNotAllowed'
  | 'controlObserver'
  | 'controlEnded'
  | 'pen'
  | 'clearInk'
  | 'latencyGood'
  | 'latencySlow'
  | 'latencyBad'
  | 'latencyHint'
  | 'viewport'
  | 'viewportHint'
  | 'customerHidden'
  | 'customerIdle'
  | 'partial'
  | 'partialHint'
  | 'viewSize'
  | 'fit'
  | 'actualSize'
  | 'fullScreen';

export const viewerStrings: Catalog<ViewerKey> = {
  en: {
    idle: 'No co-browse session',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    ended: 'Co-browse session ended',
    waiting: 'No co-browse session.',
    waitingHint: 'Ask the customer to share their page: it appears here once they allow it.',
    awaiting: 'Awaiting approval',
    awaitingApproval: 'Waiting for the customer to approve…',
    awaitingHint: 'Read your code {code} to the customer: they are asked to allow you, with the same code on their screen.',
    resumedNote: 'Reconnected ({count}×)',
    code: 'Code',
    codeHint: 'Read this code to the customer: their screen shows the same code.',
    page: 'Customer is on {page}',
    loading: 'Loading the page…',
    end: 'End co-browse session',
    view: "The customer's page",
    endedStopped: 'You ended the co-browse session.',
    endedRemote: 'The customer ended the co-browse session.',
    endedLost: "The customer's connection was lost. Ask them to share again.",
    endedUnreachable: "The customer's page could not be reached. Ask them to share again.",
    endedSecurity:
      'The connection was refused for security reasons. Ask the customer to share again with a new invitation; if it happens again, tell your security team (code: {reason}).',
    endedSignaling: 'The chat server could not be reached. Check your connection and try again.',
    endedTimeout: "The customer's browser did not answer. Ask them to share again.",
    endedDenied: 'The customer did not allow you to see their page.',
    endedApprovalTimeout: 'The customer did not answer your request in time. Ask them in the chat, then try again.',
    endedOther: 'The co-browse session ended. Ask the customer to share again if you still need to see the page.',
    askControl: 'Ask for control',
    askingControl: 'Asking the customer…',
    releaseControl: 'Give back control',
    controlGranted: 'You control the page. The customer watches and can take control back at any time.',
    controlDenied: 'The customer said no to control.',
    controlExpired: 'The customer did not answer your request for control.',
    controlRevoked: 'The customer took back control.',
    controlHidden: "The customer left the tab: control ended. Ask again when they're back.",
    controlNavigation: 'The customer went to a page outside this site: control ended. Ask again once they are back.',
    refusedPrivate: 'This field is private to the customer.',
    refusedReadonly: 'This part of the page is read-only for you.',
    refusedFile: 'Only the customer can choose files to upload.',
    refusedEditable: 'This editable area is not open to remote control.',
    refusedNavigation: 'This link leads outside the pages you may open.',
    refusedOutside: 'That is outside the shared page.',
    refusedChanged: 'The page changed under your pointer; look again and retry.',
    refusedNotFocused: 'Nothing is focused on the page: click a field first.',
    refusedSubmitDeclined: 'The customer declined to submit the form.',
    refusedConfirmSubmit: 'The customer is asked to confirm the submit.',
    refusedNotControlling: 'You do not control the page now.',
    refusedOther: 'The customer’s page refused that.',
    controlBusy: 'Another agent has control of this page (or is asking for it).',
    controlNotAllowed: 'This site does not allow control of its pages.',
    controlObserver: 'Observers cannot take control.',
    controlEnded: 'Control ended.',
    pen: 'Pen',
    clearInk: 'Clear drawing',
    latencyGood: 'Delay {ms} ms · good',
    latencySlow: 'Delay {ms} ms · slow',
    latencyBad: 'Delay {ms} ms · bad',
    latencyHint: "The round trip to the customer's browser: under 150 ms is good, under 400 ms slow, more is bad.",
    viewport: '{width}×{height} @{dpr}x',
    viewportHint: "The customer's window: {width} × {height} CSS pixels, device pixel ratio {dpr}.",
    customerHidden: "Customer's tab is hidden",
    customerIdle: 'Customer is idle',
    partial: 'Part of the page is not shown',
    partialHint:
      "The customer's page nests some content deeper than this view can show (or repeats SVG graphics past its limit): that part is left out here. The customer sees it.",
    viewSize: 'View size',
    fit: 'Fit',
    actualSize: '100 %',
    fullScreen: 'Full screen',
  },
  ja: {
    idle: 'コブラウズセッションなし',
    connecting: '接続しています…',
    connected: '接続済み',
    reconnecting: '再接続しています…',
    ended: 'コブラウズセッション終了',
    waiting: 'コブラウズセッションはありません。',
    waitingHint: 'お客様にページの共有を依頼してください。許可されると、ここに表示されます。',
    awaiting: '許可待ち',
    awaitingApproval: 'お客様の許可を待っています…',
    awaitingHint: 'お客様に確認コード {code} を読み上げてください。お客様の画面にも同じコードが表示され、許可を求められています。',
    resumedNote: '再接続しました（{count}回）',
    code: '確認コード',
    codeHint: 'このコードをお客様に読み上げてください。お客様の画面にも同じコードが表示されています。',
    page: 'お客様のページ: {page}',
    loading: 'ページを読み込んでいます…',
    end: 'コブラウズセッションを終了',
    view: 'お客様のページ',
    endedStopped: 'コブラウズセッションを終了しました。',
    endedRemote: 'お客様がコブラウズセッションを終了しました。',
    endedLost: 'お客様との接続が切れました。もう一度共有するようお客様に依頼してください。',
    endedUnreachable: 'お客様のページに接続できませんでした。もう一度共有するようお客様に依頼してください。',
    endedSecurity:
      'セキュリティ上の理由で接続が拒否されました。新しい招待でもう一度共有するようお客様に依頼してください。再び起きた場合はセキュリティ担当者に連絡してください（コード: {reason}）。',
    endedSignaling: 'チャットサーバーに接続できませんでした。ネットワークを確認して、もう一度お試しください。',
    endedTimeout: 'お客様のブラウザーから応答がありませんでした。もう一度共有するようお客様に依頼してください。',
    endedDenied: 'お客様がページの表示を許可しませんでした。',
    endedApprovalTimeout: 'お客様から時間内に応答がありませんでした。チャットで確認してから、もう一度お試しください。',
    endedOther: 'コブラウズセッションが終了しました。ページを確認する必要があれば、もう一度共有するようお客様に依頼してください。',
    askControl: '操作の許可を求める',
    askingControl: 'お客様に確認しています…',
    releaseControl: '操作を返す',
    controlGranted: 'ページを操作できます。お客様は操作を見ており、いつでも取り戻せます。',
    controlDenied: 'お客様が操作を許可しませんでした。',
    controlExpired: 'お客様から操作の許可について応答がありませんでした。',
    controlRevoked: 'お客様が操作を取り戻しました。',
    controlHidden: 'お客様がタブを離れたため、操作は終了しました。戻られたらもう一度お願いしてください。',
    controlNavigation: 'お客様がこのサイトの外のページに移動したため、操作は終了しました。戻られたらもう一度お願いしてください。',
    refusedPrivate: 'このフィールドはお客様専用です。',
    refusedReadonly: 'ページのこの部分は閲覧のみです。',
    refusedFile: 'アップロードするファイルはお客様しか選べません。',
    refusedEditable: 'この編集領域はリモート操作の対象外です。',
    refusedNavigation: 'このリンクは開くことが許可されたページの外に移動します。',
    refusedOutside: 'そこは共有されたページの外です。',
    refusedChanged: 'ポインターの下のページが変わりました。確認してもう一度お試しください。',
    refusedNotFocused: 'ページ上で何もフォーカスされていません。まずフィールドをクリックしてください。',
    refusedSubmitDeclined: 'お客様がフォームの送信を取りやめました。',
    refusedConfirmSubmit: 'お客様に送信の確認をお願いしています。',
    refusedNotControlling: '現在ページを操作していません。',
    refusedOther: 'お客様のページがその操作を拒否しました。',
    controlBusy: '別のオペレーターがこのページを操作しています（または許可を求めています）。',
    controlNotAllowed: 'このサイトではページの操作が許可されていません。',
    controlObserver: '観察者はページを操作できません。',
    controlEnded: '操作は終了しました。',
    pen: 'ペン',
    clearInk: '描画を消す',
    latencyGood: '遅延 {ms} ms・良好',
    latencySlow: '遅延 {ms} ms・やや遅い',
    latencyBad: '遅延 {ms} ms・遅い',
    latencyHint: 'お客様のブラウザーとの往復時間です。150 ms 未満は良好、400 ms 未満はやや遅い、それ以上は遅い状態です。',
    viewport: '{width}×{height} @{dpr}x',
    viewportHint: 'お客様のウィンドウ: {width} × {height} CSS ピクセル、デバイスピクセル比 {dpr}。',
    customerHidden: 'お客様のタブは非表示です',
    customerIdle: 'お客様は操作していません',
    partial: 'ページの一部は表示されていません',
    partialHint:
      'お客様のページには、この画面で表示できる深さ（または SVG 図形の繰り返しの上限）を超える部分があり、ここでは省いています。お客様の画面には表示されています。',
    viewSize: '表示サイズ',
    fit: '全体表示',
    actualSize: '100 %',
    fullScreen: '全画面',
  },
};

/** What the agent is told when a control request or control ends, by `ControlEndReason`. */
export function controlMessage(reason: string | undefined): ViewerKey {
  switch (reason) {
    case 'denied':
      return 'controlDenied';
    case 'expired':
      return 'controlExpired';
    case 'revoked':
      return 'controlRevoked';
    case 'hidden':
      return 'controlHidden';
    case 'navigation':
      return 'controlNavigation';
    case 'busy':
      return 'controlBusy';
    case 'not-allowed':
      return 'controlNotAllowed';
    case 'observer':
      return 'controlObserver';
    default:
      return 'controlEnded';
  }
}

/** What the agent reads when the customer's page refused an action, by its reason (RefusalReason or the session's own). */
export function refusalMessage(reason: string): ViewerKey {
  const key = `refused${reason.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
  return key in viewerStrings.en ? (key as ViewerKey) : 'refusedOther';
}

/** Reasons the secure channel gives when it refuses the other side (SecureErrorCode). */
const SECURITY = new Set([
  'wrong-secret',
  'tampered',
  'replayed',
  'reordered',
  'truncated',
  'oversized',
  'compression',
  'version',
  'handshake',
]);

/**
 * Which message explains an end reason (see EndReason in session/types.ts). `reached`: the view was
 * connected at some point — `unreachable` then means a lost connection, before that a first dial that
 * never reached the customer's page.
 */
export function endedMessage(reason: string | undefined, reached = true): ViewerKey {
  if (reason === 'stopped') return 'endedStopped';
  if (reason === 'remote-stopped') return 'endedRemote';
  if (reason === 'unreachable' && !reached) return 'endedUnreachable';
  if (reason === 'unreachable' || reason === 'transport' || reason === 'closed') return 'endedLost';
  if (reason === 'signaling') return 'endedSignaling';
  if (reason === 'timeout') return 'endedTimeout';
  if (reason === 'denied') return 'endedDenied';
  if (reason === 'approval-timeout') return 'endedApprovalTimeout';
  if (reason && SECURITY.has(reason)) return 'endedSecurity';
  return 'endedOther';
}
