// A Vite plugin: what shared/ modules build at their top level (zod schemas above all) is marked
// pure, so that a page importing a module for its rules, and not for its schemas, does not
// download zod. Without the mark the bundler keeps each `z.object(…)` call, and every call in
// its arguments (`IdSchema.nullable()`), as a possible side effect, and zod with them (20 kB
// brotli): the text page's editor needs the outline's reader from shared/structure.ts, not the
// request bodies declared beside it. shared/ is pure by rule (no I/O, no clock), so building a
// value there has no effect outside that value.
import type { Plugin } from 'vite';
import type { AstNode as Node } from './ast.ts';

/** The initialisers of the module's top-level `const`s that call something. */
function topLevelCalls(program: { body: Node[] }): Node[] {
  const inits: Node[] = [];
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as Node | null) : statement;
    if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const') continue;
    for (const declarator of declaration.declarations as Node[]) {
      const init = declarator.init as Node | null;
      if (init && (init.type === 'CallExpression' || init.type === 'NewExpression')) inits.push(init);
    }
  }
  return inits;
}

/**
 * Each such initialiser becomes `/* @__PURE__ *\/ (() => (…))()`: the same value, evaluated at
 * the same moment, but a call the bundler may drop whole when nothing uses the constant.
 */
export function markPure(code: string, program: { body: Node[] }): string {
  let out = code;
  for (const init of topLevelCalls(program).sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, init.start)}/* @__PURE__ */ (() => (${out.slice(init.start, init.end)}))()${out.slice(init.end)}`;
  }
  return out;
}

export function pureSchemas(): Plugin {
  return {
    name: 'negociation:pure-schemas',
    apply: 'build',
    // After TypeScript is stripped: the parser reads JavaScript.
    transform(code, id) {
      if (!/[\\/]shared[\\/][^?]*\.ts$/.test(id) || !/from ['"]zod['"]/.test(code)) return null;
      return { code: markPure(code, this.parse(code) as unknown as { body: Node[] }), map: null };
    },
  };
}
