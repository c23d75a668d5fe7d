# wabot's container image: built in a Rust stage, run from a small Debian stage as a non-root user.
#
#   podman build -t wabot .        (or docker build)
#   podman run -p 8080:8080 -v wabot-data:/var/lib/wabot -e WABOT__META__APP_SECRET=… wabot
#
# Settings: /etc/wabot/{default,local,menu}.toml (deploy/container/local.toml: listens on
# 0.0.0.0:8080, SQLite in the /var/lib/wabot volume, JSON logs), and WABOT__SECTION__KEY variables
# over them. compose.yaml runs it with PostgreSQL behind Caddy. docs/deployment.md has the rest.

FROM docker.io/library/rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# Only the binary's package; bundled SQLite, libpq for PostgreSQL (the runtime stage installs it).
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev \
    && cargo build --release --locked -p wabot-server \
    && strip target/release/wabot

FROM docker.io/library/debian:bookworm-slim
# libpq5: the PostgreSQL client library wabot links; ca-certificates: TLS to graph.facebook.com.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/wabot --shell /usr/sbin/nologin wabot \
    && mkdir -p /var/lib/wabot /etc/wabot \
    && chown wabot:wabot /var/lib/wabot
COPY --from=build /src/target/release/wabot /usr/bin/wabot
COPY config/default.toml config/menu.toml /etc/wabot/
COPY deploy/container/local.toml /etc/wabot/local.toml
USER wabot
WORKDIR /var/lib/wabot
ENV WABOT_CONFIG_DIR=/etc/wabot
VOLUME ["/var/lib/wabot"]
EXPOSE 8080
# No curl in the image: the binary asks its own /health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/bin/wabot", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/wabot"]
CMD ["serve"]
