import { z } from 'zod';

/** The environment, parsed once at start. A bad value stops the start, naming the variable. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * The embedded engine on a worker thread of its own (`1`) instead of the server's thread: for
   * a machine with a free core. On a busy one it costs more CPU per write than it saves.
   */
  ENGINE_THREAD: z.stringbool().default(false),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis://').optional(),
  /** How long a SIGTERM drain may take before the process stops anyway. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Where mail goes; without it, each message is written as an .eml file under DATA_DIR/outbox/. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Espace de négociation <ne-pas-repondre@negociation.localhost>'),
  /** The address people reach the workspace at, for the links in mails (default: http://localhost:PORT). */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The proxies whose X-Forwarded-For is believed (Express `trust proxy`: addresses, subnets,
   * `loopback`, a hop count). Unset, nobody's is: the client's address is the socket's.
   */
  TRUST_PROXY: z.string().min(1).optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
