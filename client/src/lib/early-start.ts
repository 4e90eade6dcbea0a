import { warm } from './early-reads.ts';
import { openEarly } from './early-sync.ts';
import { matchRoute } from './routes.ts';

/**
 * What a page's URL needs before its code can ask for it, started now: the session, the list
 * of negotiations on the home page, the negotiation the other pages read and, on the text page,
 * its live documents: the article the URL names and, unless that article is shown alone, the
 * outline (shown alone, the article's text comes first and the outline once the editor's code
 * is here: AgreementView.svelte). The built HTML runs this inline (client/early.ts,
 * scripts/build/early-start.ts), in the round trip after the HTML instead of once the app's
 * first script has arrived and run; the app runs it again (App.svelte), which starts nothing
 * twice and covers a page without the inline script (the dev server).
 */
export function startEarly(pathname: string, search: string): void {
  const route = matchRoute(pathname);
  warm('/me');
  if (route.name === 'home') warm('/negotiations');
  if (route.params.id) warm(`/negotiations/${encodeURIComponent(route.params.id)}`);
  if (route.name === 'text') {
    const query = new URLSearchParams(search);
    const article = query.get('article');
    if (article) openEarly(`article:${article}`);
    if (!article || query.get('view') === 'whole') openEarly(`agreement:${route.params.id}`);
  }
}
