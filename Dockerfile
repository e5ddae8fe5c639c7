# A small image of the bot: slim Python, no compilers at run time, not root.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 chatops
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER chatops
WORKDIR /home/chatops
ENV PYTHONUNBUFFERED=1 PORT=3000
EXPOSE 3000
# HTTP mode needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and TRTC_CHATOPS_POLICY_FILE
# (mount the policy file); migrations run at start-up or as `trtc-chatops db upgrade`.
HEALTHCHECK CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["trtc-chatops", "run"]
