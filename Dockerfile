# The pipeline as one self-contained binary (deno compile) on a slim Debian base.
# Build:  docker build -t clickstream-lakehouse .
# Run:    docker run --env-file pipeline.env -v lakehouse-data:/data clickstream-lakehouse
# The image runs against a configured Kafka cluster (KAFKA_BROKERS); the dev broker is for laptops.
# Its permissions differ from `deno task compile` where a container needs it: network to the
# configured brokers and Google APIs (hosts are only known at run time; the container's own
# network policy narrows them), and writes only under /data. The control server listens on the
# container's interfaces (CONTROL_HOST=0.0.0.0, port 8790) with the token on every route, and
# METRICS_PORT 9464 serves /metrics, /health and /ready without it, for Prometheus and probes.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN ./denow install --frozen && ./denow compile --allow-env --allow-sys --allow-read \
    --allow-write=/data --allow-net --allow-ffi \
    --include actors/consumer/consumer_actor.ts --include actors/enricher/enricher_actor.ts \
    --include actors/batcher/batcher_actor.ts --include actors/writer/writer_actor.ts \
    --include actors/crawler/crawler_actor.ts \
    --output dist/clickstream-lakehouse main.ts

FROM debian:bookworm-slim
RUN useradd --system --home /data lakehouse && mkdir -p /data && chown lakehouse /data
COPY --from=build /src/dist/clickstream-lakehouse /usr/local/bin/clickstream-lakehouse
USER lakehouse
WORKDIR /data
ENV DATA_DIR=/data CONTROL_HOST=0.0.0.0 METRICS_PORT=9464
EXPOSE 8790 9464
ENTRYPOINT ["/usr/local/bin/clickstream-lakehouse"]
CMD ["start"]
