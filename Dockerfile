# orgnet: a small static image, running as a non-root user.
# Build: docker build -t orgnet .   (or docker compose up, with Neo4j)
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/orgnet ./cmd/orgnet \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/orgnet /orgnet
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# Listening on every interface, so callers without a token may only read
# (orgnet refuses to start with an anonymous editor or admin there unless
# told --allow-anonymous-writes-on-network). Give writers tokens: see
# server/auth/README.md; docker-compose.yml turns anonymous access off.
ENV ORGNET_ADDR=0.0.0.0:8080 ORGNET_DATA_DIR=/data ORGNET_ANONYMOUS_ROLE=viewer
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["/orgnet", "healthcheck"]
ENTRYPOINT ["/orgnet"]
CMD ["serve"]
