# One image for every StateSet process; the command picks the process.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# V8 flags of every platform process (ops/platform/processes.ts NODE_FLAGS): a 4 MB young generation keeps RSS
# within the memory goals in docs/BENCHMARKS.md.
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
USER node
CMD ["node", "dist/gateway/main.js"]
