# papers-bot: one process serving every configured chat platform, /healthz and /metrics.
# Build: docker build -t papers-bot .   Run: docker run -v papers-data:/data --env-file .env papers-bot
FROM python:3.11-slim

LABEL org.opencontainers.image.title="papers-bot" \
      org.opencontainers.image.description="Trending machine-learning papers in Slack, Discord and the terminal." \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 papers \
    && useradd --system --uid 10001 --gid papers --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin papers \
    && mkdir -p /data \
    && chown papers:papers /data

WORKDIR /app

# Dependencies first, from the lock alone (pinned, with hashes; made by `make lock`), so a
# source change reuses this layer.
COPY requirements/run.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY pyproject.toml README.md ./
COPY config ./config
COPY adapters ./adapters
COPY bot ./bot
RUN pip install --no-cache-dir --no-deps .

USER 10001:10001
WORKDIR /data
VOLUME /data

ENV PAPERS_DATABASE_URL=sqlite+aiosqlite:////data/papers-bot.db \
    MPLCONFIGDIR=/tmp/matplotlib \
    PAPERS_HTTP_HOST=0.0.0.0 \
    PAPERS_HTTP_PORT=8080
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PAPERS_HTTP_PORT', '8080'), timeout=4)"]

ENTRYPOINT ["papers-bot"]
CMD ["run"]
