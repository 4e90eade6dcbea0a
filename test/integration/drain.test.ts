import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, login } from '../helpers/auth.ts';
import { appendParagraph, connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';
import { connect } from './realtime-client.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-drain-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  readonly output: string;
  exited: Promise<number | null>;
}

/** `npm start`'s script in a child process on a free port, as an operator runs it. */
async function start(): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', SKIP_CLIENT_BUILD: '1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(() => /prêt : (http\S+)/.test(output) || child.exitCode !== null, 60_000, 'server start');
  const match = /prêt : (http\S+)/.exec(output);
  if (!match) throw new Error(`server did not start:\n${output}`);
  return { child, url: match[1], exited, get output() { return output; } };
}

async function firstArticle(server: { url: string }, cookie: string): Promise<string> {
  const negotiations = (await (await call(server, '/negotiations', { cookie })).json()) as { id: string; title: string }[];
  const draft = negotiations.find((n) => n.title.includes('temps de travail'))!;
  const detail = (await (await call(server, `/negotiations/${draft.id}`, { cookie })).json()) as { articles: { id: string }[] };
  return detail.articles[0].id;
}

describe('SIGTERM drains the server', () => {
  it('closes live connections as a restart (1012), keeps every edit, logs each step and exits 0 in time', { timeout: 120_000 }, async () => {
    const first = await start();
    const cookie = await login(first, 'negociateur@axess.demo');
    const article = `article:${await firstArticle(first, cookie)}`;

    const editor: TestClient = connectClient(first.url, article, cookie);
    await synced(editor);
    const closes: number[] = [];
    (editor.provider.ws as unknown as WebSocket).addEventListener('close', (event) => closes.push(event.code));
    const socket = await connect(first, cookie);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    // Typed just before the signal: still in the server's 100 ms write buffer when it arrives.
    appendParagraph(editor.doc, 'Alinéa tapé juste avant le redémarrage.');
    await new Promise((resolve) => setTimeout(resolve, 20));
    editor.provider.shouldConnect = false;
    const signalled = Date.now();
    first.child.kill('SIGTERM');

    expect(await first.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(closes).toEqual([1012]);
    // A lost transport, not "io server disconnect": the client reconnects by itself.
    expect(await disconnected).toBe('transport close');
    const steps = first.output
      .split('\n')
      .filter((line) => line.includes('"drain":true'))
      .map((line) => JSON.parse(line).msg as string);
    expect(steps).toEqual([
      'drain: stopped accepting connections, requests and commands',
      'drain: answering the requests and commands under way',
      'drain: closing connections (1012, server restarting) and flushing live documents',
      'drain: closing the database',
      'drain: done',
    ]);
    editor.destroy();
    socket.close();

    const second = await start();
    try {
      const reader = connectClient(second.url, article, await login(second, 'negociateur@axess.demo'));
      await synced(reader);
      expect(reader.text()).toContain('Alinéa tapé juste avant le redémarrage.');
      reader.destroy();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
