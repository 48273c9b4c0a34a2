# The pipeline as one self-contained binary (deno compile) on a slim Debian base, built for one
# configuration: a binary's permissions are fixed when it is compiled, so `deno task compile`
# derives them from the configuration file given here (brokers, Google endpoints, crawl hosts,
# /data) exactly as `deno task start` does, and names every Worker module from their one
# declaration (actors/worker_modules.ts). See "Single binary" in the README.
# Build:  docker build --build-arg PIPELINE_CONFIG=deploy/pipeline.json -t clickstream-lakehouse .
#         (a JSON config file in the build context; secrets stay *_FILE paths, read at run time)
# Run:    docker run -v lakehouse-data:/data -v /run/secrets:/run/secrets:ro clickstream-lakehouse
# The environment may still override settings at run time, within the compiled permissions: a
# setting that needs more stops `start` with PipelinePermissionsMissing (exit 5).
# The control server listens on the container's interfaces (CONTROL_HOST=0.0.0.0, port 8790) with
# the token on every route, and METRICS_PORT 9464 serves /metrics, /health and /ready without it,
# for Prometheus and probes; both are set before compiling so the binary may listen on them.
FROM node:20-bookworm-slim AS build
ARG PIPELINE_CONFIG
WORKDIR /src
COPY . .
RUN test -n "$PIPELINE_CONFIG" || { echo "build with --build-arg PIPELINE_CONFIG=<JSON config file>" >&2; exit 2; } \
    && mkdir -p /etc/clickstream-lakehouse \
    && cp "$PIPELINE_CONFIG" /etc/clickstream-lakehouse/pipeline.json
ENV DATA_DIR=/data CONFIG_FILE=/etc/clickstream-lakehouse/pipeline.json \
    CONTROL_HOST=0.0.0.0 METRICS_PORT=9464
RUN ./denow install --frozen && ./denow task compile

FROM debian:bookworm-slim
RUN useradd --system --home /data lakehouse && mkdir -p /data && chown lakehouse /data
COPY --from=build /src/dist/clickstream-lakehouse /usr/local/bin/clickstream-lakehouse
COPY --from=build /etc/clickstream-lakehouse/pipeline.json /etc/clickstream-lakehouse/pipeline.json
USER lakehouse
WORKDIR /data
# The binary reads its embedded modules under $TMPDIR/deno-compile-clickstream-lakehouse, and the
# compile task grants /tmp/...: keep TMPDIR unset.
ENV DATA_DIR=/data CONFIG_FILE=/etc/clickstream-lakehouse/pipeline.json \
    CONTROL_HOST=0.0.0.0 METRICS_PORT=9464
EXPOSE 8790 9464
ENTRYPOINT ["/usr/local/bin/clickstream-lakehouse"]
CMD ["start"]
