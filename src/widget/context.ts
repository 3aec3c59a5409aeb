/** What every part of one mounted widget shares. */
import type { WidgetDom } from './dom';
import type { WidgetConfig } from './frames';
import type { VisitorSession } from './session';
import type { Translate } from './strings';

export type WidgetContext = {
  /** The relay's origin: where the widget script came from. */
  readonly base: string;
  readonly inbox: string;
  readonly tr: Translate;
  readonly dom: WidgetDom;
  readonly session: VisitorSession;
  /** The relay's limits (`GET /v1/widget/config`); its defaults until that answers. */
  config: WidgetConfig;
};
