# syntax=docker/dockerfile:1
# Flotilla hub image. Build: docker build -t ghcr.io/flotilla/hub:0.1.0 .
# See docs/deployment.md. (Not built in this repository's CI: the dev machines have no Docker engine.)

ARG NODE_IMAGE=node:26-bookworm-slim

# ---- build: compile TypeScript to dist/, the console to apps/console/dist ----------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm run build:console

# ---- deps: production dependencies only -------------------------------------------------
# --omit=dev also drops the `node` devDependency that pins Node 26 for npm scripts: the
# runtime image already is Node 26.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Files stay owned by root and read-only to the hub: it writes nothing to its filesystem
# (the Kubernetes manifests mount the root filesystem read-only).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/console/dist ./apps/console/dist
COPY package.json ./
# A numeric user, so that Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER 10001:10001
EXPOSE 8080
# The hub handles SIGTERM itself (readyz turns 503, running jobs get SHUTDOWN_TIMEOUT_MS,
# then it exits), also as PID 1.
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/hub/src/main.js"]
