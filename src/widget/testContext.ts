/** A widget's shared parts for unit tests: the real DOM builder and session, no network. */
import type { WidgetContext } from './context';
import { buildDom } from './dom';
import { DEFAULT_CONFIG } from './frames';
import { openSession } from './session';
import { createTranslator, type Lang } from './strings';

/** A context with the panel open on the conversation, attached to the test's document. */
export function testContext(lang: Lang = 'en'): WidgetContext {
  const tr = createTranslator(lang);
  const dom = buildDom(tr);
  document.body.appendChild(dom.host);
  dom.panel.removeAttribute('hidden');
  dom.form.setAttribute('hidden', '');
  dom.chat.removeAttribute('hidden');
  return {
    base: 'http://127.0.0.1:1',
    inbox: 'inbox-1',
    tr,
    dom,
    session: openSession('inbox-1'),
    config: DEFAULT_CONFIG,
  };
}
