# mrrbot as a container image: a static binary on distroless, run as a
# non-root user.
#
#   docker build -t mrrbot .
#   docker run --rm -p 8080:8080 \
#       -e MRRBOT_SPREADSHEET -e MRRBOT_TIMEZONE -e SLACK_BOT_TOKEN -e SLACK_CHANNEL -e SLACK_APP_TOKEN \
#       -e GOOGLE_APPLICATION_CREDENTIALS=/secrets/google.json \
#       -v "$PWD/mrrbot-key.json:/secrets/google.json:ro" mrrbot
#
# The default command is `serve`; give another one after the image name
# (`docker run … mrrbot sync --dry-run`). docs/operations.md and
# deploy/kubernetes show how to run it for real.

# The Go version follows go.mod's go directive.
FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
# The module's top-level packages (calc, sheets, report, notify, cmd);
# nothing else of the working tree reaches the image.
COPY calc/ calc/
COPY cmd/ cmd/
COPY notify/ notify/
COPY report/ report/
COPY sheets/ sheets/
# A static binary: no cgo, so it needs no C library at run time.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/mrrbot ./cmd/mrrbot

# distroless/static holds CA certificates (for Google and Slack over TLS),
# the time zone database (for MRRBOT_TIMEZONE) and a nonroot user, and no
# shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mrrbot /mrrbot
# 65532 is distroless's nonroot user. A number, not the name, so that
# Kubernetes' runAsNonRoot can check it.
USER 65532:65532
# The Go runtime keeps its heap under GOMEMLIMIT by collecting harder near
# it, so a large sync stays inside a container's memory limit instead of
# being killed. 768MiB suits a 1 GiB limit (docs/operations.md, "Memory");
# set both together: docker run --memory 2g -e GOMEMLIMIT=1536MiB …
ENV GOMEMLIMIT=768MiB
EXPOSE 8080
ENTRYPOINT ["/mrrbot"]
CMD ["serve"]
