/**
 * The embeddable web chat widget, served by the relay at `GET /widget.js` (bundled by
 * `scripts/build.mjs` into one script). A page embeds it with one tag:
 * `<script src="https://relay.example/widget.js" data-inbox="INBOX_ID"></script>`; optional
 * `data-lang`, and `data-user-id` with `data-user-hash` for signed-in customers.
 */
import { mountWidget } from './mount';

// Only while the tag's own script runs does the page say which tag that is.
const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  mountWidget({
    base: new URL(script.src).origin,
    inbox: script.getAttribute('data-inbox') || '',
    userId: script.getAttribute('data-user-id') || '',
    userHash: script.getAttribute('data-user-hash') || '',
    lang: script.getAttribute('data-lang') || navigator.language || 'en',
  });
}
