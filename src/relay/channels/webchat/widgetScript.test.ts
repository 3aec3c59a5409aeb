import { describe, expect, it } from 'vitest';
import { WIDGET_SCRIPT } from './widgetScript';

describe('relay/channels/webchat/widgetScript', () => {
  it('is the widget bundle: one valid script that never inserts markup', () => {
    expect(WIDGET_SCRIPT).not.toBeNull();
    const js = WIDGET_SCRIPT!;
    expect(() => new Function(js)).not.toThrow();
    expect(js).toContain('attachShadow');
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // Nothing of the relay or Node is bundled into a page's script.
    expect(js).not.toMatch(/\brequire\(|node:/);
  });

  it('ships the texts of all three languages, readable', () => {
    for (const title of ['Chat with us', '联系我们', '聯絡我們']) expect(WIDGET_SCRIPT).toContain(title);
  });
});
