import { tick } from 'svelte';
import { matchRoute } from './routes.ts';

export { matchRoute, type Route, type RouteName } from './routes.ts';

/** History-API router: links are intercepted, the back button works, focus goes to the new page's title. */
class Router {
  path = $state(globalThis.location?.pathname ?? '/');
  search = $state(globalThis.location?.search ?? '');
  route = $derived(matchRoute(this.path));

  navigate(to: string, { replace = false } = {}): void {
    const url = new URL(to, location.origin);
    if (url.pathname + url.search !== location.pathname + location.search) {
      history[replace ? 'replaceState' : 'pushState']({}, '', url.pathname + url.search);
    }
    this.path = url.pathname;
    this.search = url.search;
    void this.focusTitle();
  }

  private async focusTitle(): Promise<void> {
    await tick();
    const title = () => document.querySelector<HTMLElement>('main h1');
    if (title()) return title()!.focus();
    // A page loaded on demand has no title yet: focus it as soon as it appears.
    const observer = new MutationObserver(() => {
      if (!title()) return;
      observer.disconnect();
      title()!.focus();
    });
    observer.observe(document.querySelector('main') ?? document.body, { childList: true, subtree: true });
    setTimeout(() => observer.disconnect(), 10_000);
  }

  start(): () => void {
    const onPop = () => {
      this.path = location.pathname;
      this.search = location.search;
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
      if (anchor.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.navigate(anchor.pathname + anchor.search);
    };
    addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }
}

export const router = new Router();
