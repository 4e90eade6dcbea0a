// The early start, inlined in the built index.html as a classic script (scripts/build/early-start.ts):
// it runs as the HTML is read, a round trip before the app's first script arrives.
import { startEarly } from './lib/early-start.ts';

startEarly(location.pathname, location.search);
