# One image for web, worker and beat (docker-compose.yml); one settings module, configured by env.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Every pinned dependency is a manylinux wheel: no compiler needed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected at build time (hashed names, compressed; served by WhiteNoise).
# The settings refuse to load without a SECRET_KEY outside debug: a dummy one is enough here.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput --verbosity 0

# Run as an unprivileged user; /app/.var holds Celery beat's schedule (a volume in compose).
RUN useradd --create-home --uid 10001 talents \
    && mkdir -p /app/.var \
    && chown talents:talents /app/.var
USER talents

EXPOSE 8000
CMD ["gunicorn", "partnership.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--limit-request-line", "4094", "--access-logfile", "-", "--no-control-socket"]
