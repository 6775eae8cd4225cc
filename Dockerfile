# One image for both roles: `everynode server` and `everynode agent`.
# BASE is any Node.js 20 image; the default is the public one. Without a registry, build a
# base with scripts/build-offline-base-image.sh and pass it as BASE.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
WORKDIR /app
COPY . .
# Online, npm ci installs and builds in the image. Offline (no registry), the context brings
# node_modules and dist built on the host, and they are used as they are.
RUN if [ -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ] && [ -f dist/cli/main.js ]; then \
      echo "everynode: using node_modules and dist from the build context"; \
    else \
      npm ci --no-audit --no-fund; \
    fi \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE} AS runtime
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/deploy ./deploy
ENV PATH=/app/bin:$PATH \
    NODE_ENV=production
EXPOSE 6443
ENTRYPOINT ["everynode"]
CMD ["server", "--data-dir", "/data"]
