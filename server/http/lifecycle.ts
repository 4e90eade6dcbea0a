import type { RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import { AppError } from '../common/app-error.ts';
import type { Ack } from '../../shared/errors.ts';

/**
 * What a stopping server still owes its clients: the HTTP requests and the Socket.IO commands
 * under way. A drain stops taking new ones and waits for these, so that every command a client
 * sent before the restart is answered and its events are durable.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  private stopped = false;

  get size(): number {
    return this.count;
  }

  get draining(): boolean {
    return this.stopped;
  }

  /** From now on, new requests and commands are refused with UNAVAILABLE. */
  drain(): void {
    this.stopped = true;
  }

  /** Resolves once nothing is under way. */
  settled(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  private begin(): () => void {
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
    };
  }

  /** Express middleware: counts each request until its response is finished or abandoned. */
  readonly http: RequestHandler = (req, res, next) => {
    if (PROBES.has(req.path)) return next();
    if (this.stopped) {
      res.setHeader('Connection', 'close');
      return next(restarting());
    }
    res.once('close', this.begin());
    next();
  };

  /** For each Socket.IO connection: counts each command until it is acknowledged. */
  readonly socket = (socket: Socket): void => {
    socket.use((packet, next) => {
      const last = packet.length - 1;
      const ack = packet[last];
      if (typeof ack !== 'function') return next();
      if (this.stopped) {
        const refused: Ack<never> = { ok: false, error: restarting().toAckError() };
        return ack(refused);
      }
      const done = this.begin();
      packet[last] = (...args: unknown[]) => {
        done();
        ack(...args);
      };
      next();
    });
  };
}

/** Load balancers' probes: answered while draining (readiness says so), never logged. */
export const PROBES = new Set(['/api/health', '/api/ready']);

function restarting(): AppError {
  return new AppError('UNAVAILABLE', 'Le serveur redémarre : réessayez dans un instant.');
}
