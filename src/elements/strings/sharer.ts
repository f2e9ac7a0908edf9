/**
 * The strings of the sharer's elements (the customer's side). Same keys in every language; the
 * Japanese is written for a customer, polite (です/ます), as a Japanese support site would say it.
 */
import type { Catalog } from '../i18n.js';

export type SharerKey =
  | 'consentTitle'
  | 'consentTitleNamed'
  | 'consentCode'
  | 'consentCodeEntry'
  | 'codeInput'
  | 'codeWrong'
  | 'approving'
  | 'consentBody'
  | 'consentHidden'
  | 'allow'
  | 'deny'
  | 'viewingOne'
  | 'viewingMany'
  | 'connecting'
  | 'reconnecting'
  | 'code'
  | 'codeHint'
  | 'stop'
  | 'share'
  | 'controlAsk'
  | 'controlAskNamed'
  | 'controlAskBody'
  | 'allowControl'
  | 'denyControl'
  | 'controlling'
  | 'controllingNamed'
  | 'takeBack'
  | 'draw'
  | 'clearDrawing'
  | 'confirmSubmit'
  | 'submit'
  | 'cancelSubmit';

export const sharerStrings: Catalog<SharerKey> = {
  en: {
    consentTitle: 'An agent wants to see this page',
    consentTitleNamed: '{name} wants to see this page',
    consentCode: 'Their screen shows the code {code}. Allow only if they read out this same code.',
    consentCodeEntry: 'Ask them for the code on their screen and type it here.',
    codeInput: 'Their code',
    codeWrong: 'That is not their code. Tries left: {tries}.',
    approving: 'An agent is waiting for your answer',
    consentBody: 'They will see this page and what you do on it, live, until you stop sharing. Nothing is shared unless you allow it.',
    consentHidden: 'Always hidden from them: passwords, card numbers and other private fields.',
    allow: 'Allow',
    deny: 'Deny',
    viewingOne: 'An agent is viewing this page',
    viewingMany: '{count} people are viewing this page',
    connecting: 'Waiting for the agent to connect…',
    reconnecting: 'Reconnecting…',
    code: 'Code',
    codeHint: 'The agent should read out the same code.',
    stop: 'Stop sharing',
    share: 'Share my screen with the agent',
    controlAsk: 'The agent wants to control this page',
    controlAskNamed: '{name} wants to control this page',
    controlAskBody: 'They could click, type and scroll here while you watch. Private fields stay out of their reach.',
    allowControl: 'Allow control',
    denyControl: 'Deny',
    controlling: 'The agent is controlling this page',
    controllingNamed: '{name} is controlling this page',
    takeBack: 'Take back control (Esc)',
    draw: 'Draw',
    clearDrawing: 'Clear drawing',
    confirmSubmit: 'The agent wants to submit this form. Submit it?',
    submit: 'Submit',
    cancelSubmit: 'Cancel',
  },
  ja: {
    consentTitle: 'オペレーターがこのページの表示を求めています',
    consentTitleNamed: '{name}さんがこのページの表示を求めています',
    consentCode: '相手の画面の確認コードは {code} です。相手が同じコードを読み上げた場合のみ許可してください。',
    consentCodeEntry: '相手の画面に表示されている確認コードを聞いて、ここに入力してください。',
    codeInput: '相手の確認コード',
    codeWrong: 'コードが一致しません。残り {tries} 回です。',
    approving: 'オペレーターがお客様の許可を待っています',
    consentBody:
      '許可すると、共有を停止するまで、このページと操作の様子がリアルタイムでオペレーターに表示されます。許可しない限り何も共有されません。',
    consentHidden: 'パスワード、カード番号などの非公開の項目は常に隠されます。',
    allow: '許可する',
    deny: '拒否する',
    viewingOne: 'オペレーターがこのページを表示しています',
    viewingMany: '{count}人がこのページを表示しています',
    connecting: 'オペレーターの接続を待っています…',
    reconnecting: '再接続しています…',
    code: '確認コード',
    codeHint: 'オペレーターが同じコードを読み上げることを確認してください。',
    stop: '共有を停止',
    share: '画面をオペレーターと共有',
    controlAsk: 'オペレーターがこのページの操作を求めています',
    controlAskNamed: '{name}さんがこのページの操作を求めています',
    controlAskBody: '許可すると、お客様の見ている前でクリック・入力・スクロールができます。非公開の項目には触れられません。',
    allowControl: '操作を許可する',
    denyControl: '拒否する',
    controlling: 'オペレーターがこのページを操作しています',
    controllingNamed: '{name}さんがこのページを操作しています',
    takeBack: '操作を取り戻す（Esc）',
    draw: '描く',
    clearDrawing: '描画を消す',
    confirmSubmit: 'オペレーターがこのフォームを送信しようとしています。送信しますか？',
    submit: '送信する',
    cancelSubmit: 'キャンセル',
  },
};
