# syntax=docker/dockerfile:1
#
# Alexa skill service image: three stages (deps -> build -> runtime), one pinned base.
#
#   docker build \
#     --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt \   # only behind a TLS-intercepting proxy
#     --build-arg VERSION=1.2.3 --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=https://example.com/your/repo \
#     -t skill-service:1.2.3 .
#
# Run-time contract: `node dist/apps/skill-service/src/main.js` as UID/GID 1000 (the base image's `node` user), no
# shell and no writes to the filesystem (the chart sets readOnlyRootFilesystem), app port 3000, metrics port 9464.
#
# No HEALTHCHECK, on purpose: Kubernetes ignores it (the kubelet runs the chart's liveness, readiness and startup
# probes on /health/live and /health/ready instead), the OCI image format cannot carry it, and a Docker-only check
# would need an extra process in the container every few seconds. For `docker run`, use the same endpoints.

# The exact base (pinned version; pin the digest too where your registry mirror allows: node:24.x.y-bookworm-slim@sha256:...).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
# deps: every dependency, exactly as locked. The CA bundle of a TLS-intercepting proxy can be passed as the build
# secret `npm_ca`; a secret is mounted for this one step only and never stored in a layer.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
COPY package.json package-lock.json ./
COPY patches ./patches
# --ignore-scripts: no dependency needs an install script to run (only the dev-only file watcher has one); the
# project's own postinstall step, patch-package, is run explicitly instead (patches/ says what each patch is for).
RUN --mount=type=secret,id=npm_ca,target=/run/secrets/npm_ca \
    NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn \
    && npx --no-install patch-package --error-on-fail

# ---------------------------------------------------------------------------------------------------------------
# build: compile TypeScript to dist/.
FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# ---------------------------------------------------------------------------------------------------------------
# prod-deps: the same lockfile with the development dependencies removed (offline: nothing is downloaded again).
FROM deps AS prod-deps
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=warn

# ---------------------------------------------------------------------------------------------------------------
# runtime: Node, production dependencies and the compiled code; nothing else.
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="skill-service" \
      org.opencontainers.image.description="Alexa skill service (NestJS on Fastify)" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.created="${CREATED}"
# The package managers are build tools: keep them (and their advisories) out of the running image.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    METRICS_PORT=9464
# Node runtime tuning, measured by `npm run bench` (which starts the service with these same values and the node
# flags of the CMD, read from here). What each setting does is in docs/performance.md ("The image's Node
# settings"): the young generation capped at 8 MB semi-spaces (V8 sizes them from the host's RAM, not the pod's
# limit); an old-generation ceiling inside the chart's 320Mi limit; two malloc arenas; one libuv thread, which runs
# the signature checks and nothing slow (upstream names are resolved by c-ares, not getaddrinfo on the pool).
# Override per deployment with the chart's env values; raise --max-old-space-size with the pod's memory limit.
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=160" \
    MALLOC_ARENA_MAX=2 \
    UV_THREADPOOL_SIZE=1
WORKDIR /app
# Owned by root and not writable by the process: the code cannot be changed by the service that runs it.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 1000:1000
EXPOSE 3000 9464
STOPSIGNAL SIGTERM
# The base image's entrypoint is a shell script; the service is started directly instead.
# --no-maglev: V8's mid-tier compiler off, for less compiler memory under load (docs/performance.md); it is a V8
# flag, which NODE_OPTIONS does not accept, so it is passed here.
ENTRYPOINT []
CMD ["node", "--no-maglev", "dist/apps/skill-service/src/main.js"]
