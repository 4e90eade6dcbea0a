// A Vite plugin: Tiptap's extensions without their Markdown. Since Tiptap 3.x each node and
// mark declares how @tiptap/markdown reads and writes it (markdownTokenName, parseMarkdown,
// renderMarkdown, markdownTokenizer, markdownOptions), and the functions those fields hold
// bring the core's Markdown helpers with them. Only @tiptap/markdown reads these fields; the
// workspace does not use it (texts are edited, exported and compared from their documents, never
// as Markdown), so the client build drops them: the fields of the object literals that configure
// an extension (`Node.create({…})`, `Mark.create({…})`, `Extension.create({…})`) in Tiptap's
// own packages.
import type { Plugin } from 'vite';
import type { AstNode as Node } from './ast.ts';

export const MARKDOWN_FIELDS = new Set(['markdownTokenName', 'parseMarkdown', 'renderMarkdown', 'markdownTokenizer', 'markdownOptions']);

/** Every node of the tree, depth first. */
function* walk(node: unknown): Generator<Node> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) yield* walk(child);
    return;
  }
  const typed = node as Node;
  if (typeof typed.type === 'string') yield typed;
  for (const [key, value] of Object.entries(typed)) if (key !== 'type' && value && typeof value === 'object') yield* walk(value);
}

/** Whether `call` is `Node.create(…)`, `Mark.create(…)` or `Extension.create(…)` (whatever the bundle renamed them to, the member is `create`). */
const isCreate = (call: Node) => {
  let callee = call.callee as Node;
  // `(0, X.create)(…)`, as a compiler writes a call that must not pass X as `this`.
  if (callee.type === 'SequenceExpression') callee = (callee.expressions as Node[]).at(-1)!;
  return callee.type === 'MemberExpression' && (callee.property as Node).type === 'Identifier' && (callee.property as { name: string }).name === 'create';
};

/** `code` without the Markdown fields of the extensions' configurations it creates. */
export function dropMarkdown(code: string, program: unknown): string {
  const cuts: [number, number][] = [];
  for (const node of walk(program)) {
    if (node.type !== 'CallExpression' || !isCreate(node)) continue;
    const config = (node.arguments as Node[])[0];
    if (config?.type !== 'ObjectExpression') continue;
    const properties = config.properties as Node[];
    properties.forEach((property, i) => {
      const key = property.key as (Node & { name?: string }) | undefined;
      if (property.type !== 'Property' || property.computed || key?.type !== 'Identifier' || !MARKDOWN_FIELDS.has(key.name!)) return;
      // The field and the comma after it (the last field may have none: a trailing comma before it stays, as JavaScript allows).
      const comma = code.slice(property.end, properties[i + 1]?.start ?? config.end).indexOf(',');
      cuts.push([property.start, comma < 0 ? property.end : property.end + comma + 1]);
    });
  }
  let out = code;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return out;
}

export function noMarkdown(): Plugin {
  return {
    name: 'negociation:no-markdown',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]@tiptap[\\/]/.test(id) || !/markdownTokenName|parseMarkdown|renderMarkdown|markdownTokenizer/.test(code)) return null;
      return { code: dropMarkdown(code, this.parse(code)), map: null };
    },
  };
}
