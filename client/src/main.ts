import { mount } from 'svelte';
import { z } from 'zod';
import App from './App.svelte';
import './app.css';

// zod would probe for eval (new Function) to compile its parsers, which the CSP forbids: each
// probe is a reported violation. Its interpreted parsers are fast enough for a form.
z.config({ jitless: true });

const app = mount(App, { target: document.getElementById('app')! });
export default app;
