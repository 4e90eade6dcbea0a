import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
// The editors' base rules (ProseMirror's, Tiptap's): the text page's and the minutes'.
import './editor/prosemirror.css';

// zod would probe for eval (new Function) to compile its parsers, which the CSP forbids: each
// probe is a reported violation. Its interpreted parsers are fast enough for a form. zod reads
// its settings from this global (zod/v4/core/core.js: one object for every copy of zod), so
// setting it here does not bring zod into the first script: the schemas, and zod with them,
// come with the pages that use them. The CSP test (test/e2e/light-client.test.ts) fails if zod
// stops reading it.
const zodSettings = globalThis as { __zod_globalConfig?: Record<string, unknown> };
Object.assign((zodSettings.__zod_globalConfig ??= {}), { jitless: true });

const app = mount(App, { target: document.getElementById('app')! });
export default app;
