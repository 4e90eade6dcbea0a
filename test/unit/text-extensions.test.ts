import { describe, expect, it } from 'vitest';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { TableKit } from '@tiptap/extension-table';
import { textExtensions } from '../../client/src/editor/text-extensions.ts';

/** What y-prosemirror keeps of a document: each node's and mark's name, attributes and content rule. */
function shape(extensions: Parameters<typeof getSchema>[0]) {
  const schema = getSchema([...extensions, TableKit.configure({ table: { resizable: false } })]);
  const attrs = (spec: { attrs?: Record<string, { default?: unknown }> }) =>
    Object.fromEntries(Object.entries(spec.attrs ?? {}).map(([name, attr]) => [name, attr.default ?? null]));
  return {
    nodes: Object.values(schema.nodes).map((node) => ({ name: node.name, attrs: attrs(node.spec), content: node.spec.content ?? '', group: node.spec.group ?? '' })),
    marks: Object.values(schema.marks).map((mark) => ({ name: mark.name, attrs: attrs(mark.spec) })),
  };
}

describe("the article text's extensions", () => {
  it("make StarterKit's schema exactly, the link mark included: a text written before loses nothing", () => {
    const sut = shape(textExtensions());
    expect(sut).toEqual(shape([StarterKit.configure({ undoRedo: false })]));
    expect(sut.marks.map((mark) => mark.name)).toContain('link');
    expect(sut.marks.find((mark) => mark.name === 'link')?.attrs).toEqual({ href: null, target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null });
  });
});
