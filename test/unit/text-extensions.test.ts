import { describe, expect, it } from 'vitest';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { TableKit } from '@tiptap/extension-table';
import { textExtensions } from '../../client/src/editor/text-extensions.ts';
import { tableNodes } from '../../client/src/editor/table-nodes.ts';

/** What y-prosemirror keeps of a document: each node's and mark's name, attributes and content rule (and the role prosemirror-tables finds a table's nodes by). */
function shape(extensions: Parameters<typeof getSchema>[0]) {
  const schema = getSchema(extensions);
  const attrs = (spec: { attrs?: Record<string, { default?: unknown }> }) =>
    Object.fromEntries(Object.entries(spec.attrs ?? {}).map(([name, attr]) => [name, attr.default ?? null]));
  return {
    nodes: Object.values(schema.nodes).map((node) => ({ name: node.name, attrs: attrs(node.spec), content: node.spec.content ?? '', group: node.spec.group ?? '', tableRole: (node.spec.tableRole as string | undefined) ?? '', isolating: !!node.spec.isolating })),
    marks: Object.values(schema.marks).map((mark) => ({ name: mark.name, attrs: attrs(mark.spec) })),
  };
}

describe("the article text's extensions", () => {
  it("make StarterKit's and TableKit's schema exactly, the link mark and the tables' roles included: a text written before loses nothing", () => {
    const sut = shape([...textExtensions(), ...tableNodes()]);
    expect(sut).toEqual(shape([StarterKit.configure({ undoRedo: false }), TableKit.configure({ table: { resizable: false } })]));
    expect(sut.marks.map((mark) => mark.name)).toContain('link');
    expect(sut.nodes.filter((node) => node.tableRole).map((node) => [node.name, node.tableRole])).toEqual([
      ['table', 'table'],
      ['tableCell', 'cell'],
      ['tableHeader', 'header_cell'],
      ['tableRow', 'row'],
    ]);
    expect(sut.marks.find((mark) => mark.name === 'link')?.attrs).toEqual({ href: null, target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null });
  });
});
