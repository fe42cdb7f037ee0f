#!/usr/bin/env bash
# The local demo: installs, builds, makes development certificates, starts the fake music API and the service
# with request verification ON against the development CA (NODE_ENV=development). No Amazon account needed.
# Then, in another terminal:  npm run alexa -- launch
#
# Ctrl-C, or SIGTERM/SIGINT to this script, stops everything it started: the service drains (as on SIGTERM in
# a pod) and the fake API closes, and the script exits once both are gone (130 after INT, 143 after TERM).
# A port that is taken (a demo that still runs, or anything else) is named with its process before anything
# starts. Ports: PORT (3000), METRICS_PORT (9464), MUSIC_PORT (4010).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-node.sh

MUSIC_PORT="${MUSIC_PORT:-4010}"
export PORT="${PORT:-3000}"
export METRICS_PORT="${METRICS_PORT:-9464}"
node tools/port-holder.ts "$PORT" "$METRICS_PORT" "$MUSIC_PORT" || {
  echo "demo: not started: the ports above are taken (other ports: PORT=... METRICS_PORT=... MUSIC_PORT=... bash tools/demo.sh)" >&2
  exit 1
}

[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
# Build unless dist/ is newer than every source and build setting (a second start takes seconds).
main=dist/apps/skill-service/src/main.js
if [ ! -f "$main" ] || [ -n "$(find apps libs package-lock.json tsconfig.json tsconfig.build.json nest-cli.json -newer "$main" -print -quit)" ]; then
  npm run build --silent
fi
node tools/dev-certs.ts --dir .dev-certs

# Everything started below runs in the background and is waited for, so a signal reaches this script at once
# (bash runs a trap only after a foreground child ends) and is passed on as SIGTERM to each child.
started=()
stop_all() {
  trap - INT TERM
  [ "${#started[@]}" -eq 0 ] || kill -TERM "${started[@]}" 2>/dev/null || true
  wait
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

node tools/fake-music-api.ts --port "$MUSIC_PORT" --token demo-token &
started+=($!)

export NODE_ENV=development
export ALEXA_VERIFY=true
export ALEXA_CERT_SOURCE=file:.dev-certs
export ALEXA_TRUSTED_CA_FILE=.dev-certs/dev-ca.pem
export ALEXA_SKILL_ID="${ALEXA_SKILL_ID:-amzn1.ask.skill.00000000-0000-4000-8000-000000000000}"
export MUSIC_API_BASE_URL="http://127.0.0.1:$MUSIC_PORT"
export ALEXA_API_ENDPOINT_ALLOW_ANY=true
cat <<MSG

  Skill endpoint:  http://127.0.0.1:$PORT/alexa   (metrics: http://127.0.0.1:$METRICS_PORT/metrics)
  Fake music API:  http://127.0.0.1:$MUSIC_PORT   (accepts the token "demo-token")
  Try, in another terminal:
    npm run alexa -- launch
    npm run alexa -- intent PlayMusicIntent --slot query=Queen --token demo-token
    npm run alexa -- intent WhatsPlayingIntent --token demo-token --locale de-DE
    npm run alexa -- intent WhatsPlayingIntent            # not linked: a LinkAccount card
  Stop with Ctrl-C.

MSG
node dist/apps/skill-service/src/main.js &
service=$!
started+=("$service")
wait "$service"
