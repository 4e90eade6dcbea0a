# syntax=docker/dockerfile:1
# The workspace as a container image. Documentation: never built here (the machines this
# project is developed and tested on have no container engine and reach no image registry);
# what it runs is exactly the production install that test/integration/production-install.test.ts
# checks: npm ci, npm run build, npm prune --omit=dev, then Node on scripts/start.ts.

# Build stage: every dependency, the client build, then only the runtime dependencies kept.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: Node, tini as PID 1 (forwards SIGTERM so the server drains, reaps zombies),
# the server's TypeScript (Node strips the types), the built client, production node_modules.
FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/var/lib/negociation
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/server ./server
COPY --from=build /app/shared ./shared
COPY --from=build /app/scripts ./scripts
# The image's own user (uid 1000 in the node image), never root; it owns only its data.
RUN mkdir -p /var/lib/negociation && chown node:node /var/lib/negociation
USER node
VOLUME /var/lib/negociation
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A drain takes DRAIN_TIMEOUT_MS (10 s) at most: `docker stop` waits 10 s by default, give it more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
# The flags of `npm start` (server/node-flags.ts).
CMD ["node", "--max-semi-space-size=32", "scripts/start.ts"]
