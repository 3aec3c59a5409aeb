import sanitizeHtml from 'sanitize-html';

/** Tags kept in mail HTML: text structure, tables, images; nothing that runs, submits or embeds. */
const TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'caption',
  'center',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'div',
  'dl',
  'dt',
  'em',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'ol',
  'p',
  'pre',
  'q',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'tt',
  'u',
  'ul',
];

/** Inline styles kept, each value checked: no url(), no expression(), no positioning tricks. */
const SAFE_VALUE = /^(?!.*(url|expression|image-set|var|attr|@import|\\))[#(),.%\w\s'"-]{0,200}$/i;
const STYLES = Object.fromEntries(
  [
    'color',
    'background-color',
    'font-weight',
    'font-style',
    'font-size',
    'font-family',
    'text-align',
    'text-decoration',
    'line-height',
    'padding',
    'padding-left',
    'padding-right',
    'padding-top',
    'padding-bottom',
    'margin',
    'margin-left',
    'margin-right',
    'margin-top',
    'margin-bottom',
    'border',
    'border-collapse',
    'width',
    'max-width',
    'height',
    'vertical-align',
    'white-space',
  ].map((p) => [p, [SAFE_VALUE]]),
);

export type SanitizedMail = { html: string; remoteImages: number };

/**
 * Mail HTML made safe to show in a sandboxed frame: no scripts, event handlers, forms, frames,
 * objects, <style> sheets, or CSS that loads or hides things; links get rel=noopener and open
 * outside; remote images (http/https) keep their address in `data-remote-src` and load nothing
 * until the agent allows them for that message; `cid:` and data: images of common types stay.
 * Default limit on the input: 1 MiB (longer HTML is cut before sanitizing).
 */
export function sanitizeMailHtml(raw: string, maxChars = 1024 * 1024): SanitizedMail {
  let remoteImages = 0;
  const html = sanitizeHtml(raw.slice(0, maxChars), {
    allowedTags: TAGS,
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'style',
      'script',
      'textarea',
      'option',
      'noscript',
      'title',
      'head',
      'template',
      'xmp',
      'iframe',
      'object',
      'svg',
      'math',
    ],
    allowedAttributes: {
      '*': ['style', 'align', 'valign', 'dir', 'lang', 'title', 'width', 'height', 'bgcolor', 'color'],
      a: ['href', 'target', 'rel'],
      img: ['src', 'alt', 'data-remote-src'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      font: ['face', 'size'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['data', 'cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    allowedStyles: { '*': STYLES },
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
      }),
      img: (tagName, attribs) => {
        const src = (attribs['src'] ?? '').trim();
        const out: Record<string, string> = {};
        if (attribs['alt']) out['alt'] = attribs['alt'];
        if (attribs['width']) out['width'] = attribs['width'];
        if (attribs['height']) out['height'] = attribs['height'];
        if (/^https?:\/\//i.test(src)) {
          remoteImages++;
          out['data-remote-src'] = src;
        } else if (/^data:image\/(png|jpeg|gif|webp);base64,/i.test(src)) out['src'] = src;
        return { tagName, attribs: out };
      },
    },
  });
  return { html, remoteImages };
}
