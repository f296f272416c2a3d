# syntax=docker/dockerfile:1
# The delivery worker image, built from the repository root:
#   docker build -f infra/docker/worker.Dockerfile -t wrenn-worker .
# Run as many containers of it as the load needs; each serves /health, /ready and /metrics on PORT.

ARG NODE_VERSION=24
ARG PNPM_VERSION=10.34.8
ARG TURBO_VERSION=2.11.11

FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG PNPM_VERSION
ARG TURBO_VERSION
# npm rather than corepack: corepack's signature check fails behind registry mirrors that serve none.
RUN npm install -g --no-fund --no-audit pnpm@${PNPM_VERSION} turbo@${TURBO_VERSION}
ENV TURBO_TELEMETRY_DISABLED=1
WORKDIR /app

# Only the worker and the workspace packages it uses; package manifests (out/json) apart from
# sources (out/full), so the dependency layers stay cached while the code changes.
FROM base AS pruner
COPY . .
RUN turbo prune @wrenn/worker --docker

FROM base AS builder
COPY --from=pruner /app/out/json/ .
RUN --mount=type=cache,id=wrenn-pnpm-store,target=/pnpm-store \
    pnpm install --frozen-lockfile --store-dir /pnpm-store
COPY --from=pruner /app/out/full/ .
COPY tsconfig.base.json tsup.apps.ts ./
RUN turbo run build --filter=@wrenn/worker

# Production dependencies only. The bundle inlines the workspace packages and resolves every
# npm package from /app/node_modules, where `nodeLinker: hoisted` puts them all.
FROM base AS deps
COPY --from=pruner /app/out/json/ .
RUN --mount=type=cache,id=wrenn-pnpm-store,target=/pnpm-store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm-store

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8081
WORKDIR /app
COPY --from=deps /app ./
COPY --from=builder /app/apps/worker/dist ./apps/worker/dist
# The image's `node` user, numeric so Kubernetes can verify runAsNonRoot. The files stay
# root-owned: the process cannot rewrite its own code.
USER 1000:1000
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8081) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: in-flight deliveries finish or go back to the queue.
CMD ["node", "apps/worker/dist/main.js"]
