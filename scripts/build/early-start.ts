// A Vite plugin: the early start (client/src/early.ts) inlined at the top of the built index.html
// as a classic script. It runs while the HTML is read, and starts the reads and live documents
// the URL needs in the round trip after the HTML, not once the app's first script has arrived
// and run (a round trip and a download later: over a second on a slow mobile link). The server
// allows it by its hash in the CSP (server/http/route-preloads.ts): no 'unsafe-inline'.
import { build, type Plugin } from 'vite';

/** Bundles `entry` (which imports nothing but the client's own dependency-free modules) into one minified script. */
async function inlineScript(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    build: { write: false, minify: true, lib: { entry, formats: ['iife'], name: 'negociationEarlyStart' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const chunk = outputs.find((output) => output.type === 'chunk');
  if (!chunk || outputs.length !== 1) throw new Error(`early-start: ${entry} must bundle into one script`);
  // The bundle names no other script: it would load after the app's, and not be inline.
  if (/\bimport\s*\(|<\/script/i.test(chunk.code)) throw new Error(`early-start: ${entry} imports at run time or closes its <script>`);
  return chunk.code.trim();
}

/**
 * Inlined right after the charset, before the stylesheet: a browser runs a classic script only
 * once the stylesheets above it have arrived (a round trip and a download on a slow link).
 */
export function earlyStart({ entry }: { entry: string }): Plugin {
  const charset = /<meta charset="[^"]*"\s*\/?>/i;
  return {
    name: 'negociation:early-start',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      async handler(html) {
        if (!charset.test(html)) throw new Error('early-start: index.html has no <meta charset> to put the early start after');
        const code = await inlineScript(entry);
        return html.replace(charset, (meta) => `${meta}\n    <script>${code}</script>`);
      },
    },
  };
}
