# The pipeline as one self-contained binary (deno compile) on a slim Debian base.
# Build:  docker build -t clickstream-lakehouse .
# Run:    docker run --env-file pipeline.env -v lakehouse-data:/data clickstream-lakehouse
# The image runs against a configured Kafka cluster (KAFKA_BROKERS); the dev broker is for laptops.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN ./denow install --frozen && ./denow task compile

FROM debian:bookworm-slim
RUN useradd --system --home /data lakehouse && mkdir -p /data && chown lakehouse /data
COPY --from=build /src/dist/lakehouse /usr/local/bin/lakehouse
USER lakehouse
WORKDIR /data
ENV DATA_DIR=/data
EXPOSE 8790
ENTRYPOINT ["/usr/local/bin/lakehouse"]
CMD ["start"]
