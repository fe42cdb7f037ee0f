#!/usr/bin/env bash
# The local demo: installs, builds, makes development certificates, starts the fake music API and the service
# with request verification ON against the development CA (NODE_ENV=development). No Amazon account needed.
# Then, in another terminal:  source tools/ensure-node.sh && npm run alexa -- launch
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-node.sh
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
node tools/dev-certs.ts --dir .dev-certs

MUSIC_PORT="${MUSIC_PORT:-4010}"
node tools/fake-music-api.ts --port "$MUSIC_PORT" --token demo-token &
music_pid=$!
trap 'kill "$music_pid" 2>/dev/null || true' EXIT

export NODE_ENV=development
export PORT="${PORT:-3000}"
export METRICS_PORT="${METRICS_PORT:-9464}"
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
    source tools/ensure-node.sh
    npm run alexa -- launch
    npm run alexa -- intent PlayMusicIntent --slot query=Queen --token demo-token
    npm run alexa -- intent WhatsPlayingIntent --token demo-token --locale de-DE
    npm run alexa -- intent WhatsPlayingIntent            # not linked: a LinkAccount card

MSG
node dist/apps/skill-service/src/main.js
