/**
 * A small XML writer for the Akoma Ntoso export. A handful of lines we can read in full
 * rather than a builder dependency: the export needs elements, attributes, text and
 * namespaces, nothing else, and escaping is the one thing that must be exactly right.
 *
 * Elements whose children are all elements are indented; an element holding text (mixed
 * content such as `<p>` with inline `<party>`) is written on one line, so that indentation
 * never adds spaces to the text.
 */

export type XmlChild = XmlElement | string | null | undefined | false;

export interface XmlElement {
  name: string;
  attrs: Record<string, string | number | boolean | null | undefined>;
  children: XmlChild[];
}

/** An element; null, undefined and false children and attributes are left out. */
export function el(name: string, attrs: XmlElement['attrs'] = {}, ...children: (XmlChild | XmlChild[])[]): XmlElement {
  return { name, attrs, children: children.flat() };
}

// XML 1.0 forbids these code points outright, even escaped; a lone surrogate is not text either.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content: `&`, `<` and `>` escaped (the last for `]]>`), forbidden characters dropped. */
export function escapeText(text: string): string {
  return text.replace(FORBIDDEN, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute value in double quotes; whitespace other than spaces is kept as references. */
export function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function present(child: XmlChild): child is XmlElement | string {
  return child !== null && child !== undefined && child !== false;
}

function open(node: XmlElement): string {
  const attrs = Object.entries(node.attrs)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  return `<${node.name}${attrs}`;
}

function write(node: XmlElement, indent: string, compact: boolean, mixed: ReadonlySet<string>): string {
  const children = node.children.filter(present);
  const start = compact ? '' : indent;
  if (children.length === 0) return `${start}${open(node)}/>`;
  if (compact || mixed.has(node.name) || children.some((c) => typeof c === 'string')) {
    const inner = children.map((c) => (typeof c === 'string' ? escapeText(c) : write(c, '', true, mixed))).join('');
    return `${start}${open(node)}>${inner}</${node.name}>`;
  }
  const inner = children.map((c) => write(c as XmlElement, `${indent}  `, false, mixed)).join('\n');
  return `${start}${open(node)}>\n${inner}\n${indent}</${node.name}>`;
}

/**
 * A whole document, with its XML declaration, UTF-8, ending with a newline. `mixed` names the
 * elements whose content is text-like even when it holds only elements (`p` holding one
 * `signature`): they are never indented inside.
 */
export function xmlDocument(root: XmlElement, mixed: ReadonlySet<string> = new Set()): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${write(root, '', false, mixed)}\n`;
}
