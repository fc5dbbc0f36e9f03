# perf-review: the GitHub App (webhook server and review jobs) in one image.
#   docker build -t perf-review .
#   docker run --env-file deploy/perf-review.env -p 8000:8000 perf-review            # web + embedded queue
#   docker run --env-file deploy/perf-review.env perf-review worker --workers 4      # extra worker (Redis)
# See deploy/README.md.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/perf-review
COPY pyproject.toml README.md ./
COPY analyzers ./analyzers
COPY bot ./bot
RUN /opt/perf-review/bin/pip install . \
 && /opt/perf-review/bin/perf-review serve --help >/dev/null \
 && /opt/perf-review/bin/perf-review worker --help >/dev/null

FROM python:3.11-slim
# git fetches the packages a pull request touches (partial clones in /data/git-cache).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 perfreview \
 && useradd --system --uid 10001 --gid perfreview --home-dir /home/perfreview --create-home \
      --shell /usr/sbin/nologin perfreview \
 && mkdir -p /data \
 && chown perfreview:perfreview /data
COPY --from=build /opt/perf-review /opt/perf-review
ENV PATH=/opt/perf-review/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PERF_REVIEW_DATA_DIR=/data
VOLUME ["/data"]
WORKDIR /home/perfreview
USER 10001:10001
EXPOSE 8000
# Liveness of the web server (GET /healthz). A worker container overrides this (see deploy/).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["perf-review"]
CMD ["serve", "--bind", "0.0.0.0:8000"]
