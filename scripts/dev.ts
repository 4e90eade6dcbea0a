// `npm run dev`: the server (restarted on change by `node --watch`) behind Vite's hot-reloading dev server.
import { spawn } from 'node:child_process';

const children = [
  spawn(process.execPath, ['--watch', '--watch-preserve-output', 'scripts/start.ts'], {
    stdio: 'inherit',
    env: { ...process.env, SKIP_CLIENT_BUILD: '1' },
  }),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
