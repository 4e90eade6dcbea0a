import { describe, expect, it } from 'vitest';
import { parseAst } from 'vite';
import { dropMarkdown } from '../../scripts/build/no-markdown.ts';

/** The code without the Markdown fields, its spaces collapsed. */
const drop = (code: string) => dropMarkdown(code, parseAst(code)).replace(/\s+/g, ' ');

describe("the client build's Tiptap without Markdown (scripts/build/no-markdown.ts)", () => {
  it("drops the Markdown fields of an extension's configuration, first, middle or last, and keeps the others", () => {
    const code = `const Bold = Mark.create({ markdownTokenName: 'strong', name: 'bold', parseMarkdown: (t, h) => h.applyMark('bold', t), renderHTML() { return ['strong', 0]; }, renderMarkdown: (n) => '**' + n.text + '**' });`;
    const out = drop(code);
    expect(out).toBe(`const Bold = Mark.create({ name: 'bold', renderHTML() { return ['strong', 0]; }, });`);
    expect(() => parseAst(out)).not.toThrow();
  });

  it('drops them in an extension created inside another expression, whatever the bundler named its class, and leaves any other object alone', () => {
    const code = `export const a = { parseMarkdown: 1 }; const L = (0, X.create)({ name: 'l', markdownTokenizer: { name: 'l', tokenize: () => undefined }, markdownOptions: { indentsContent: true } }); f(Y.create({ parseMarkdown: () => 1 }));`;
    const out = drop(code);
    expect(out).toContain('export const a = { parseMarkdown: 1 }');
    expect(out).toContain(`(0, X.create)({ name: 'l', })`);
    expect(out).toContain('f(Y.create({ }))');
    expect(() => parseAst(out)).not.toThrow();
  });
});
