# Multi-stage build: compile in the Go image, run on a slim Debian with only the CJK
# fonts the PDFs open (views/pdf: the Song face and the WenKai fallback, as RUN_DEPS in
# the Makefile). The image expects DATABASE_URL; it never starts its own database.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/portal ./cmd/portal

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates fonts-arphic-gbsn00lp fonts-lxgw-wenkai \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /srv/portal portal \
 && mkdir -p /srv/portal/var && chown portal /srv/portal/var
COPY --from=build /out/portal /usr/local/bin/portal
USER portal
WORKDIR /srv/portal
ENV PORTAL_ENV=production PORTAL_HOST=0.0.0.0 PORT=8080 PORTAL_VAR_DIR=/srv/portal/var
EXPOSE 8080
CMD ["portal", "serve"]
