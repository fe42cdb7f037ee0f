{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "skill-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed with the chart name unless it already contains it. */}}
{{- define "skill-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "skill-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels on every object. */}}
{{- define "skill-service.labels" -}}
helm.sh/chart: {{ include "skill-service.chart" . }}
{{ include "skill-service.selectorLabels" . }}
app.kubernetes.io/version: {{ include "skill-service.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "skill-service.name" . }}
{{- end }}

{{/* Labels that select the pods; never change them between releases (Deployment selectors are immutable). */}}
{{- define "skill-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "skill-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The version label: the image tag, or the chart's appVersion. */}}
{{- define "skill-service.version" -}}
{{- default .Chart.AppVersion .Values.image.tag | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "skill-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "skill-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest pins the image. */}}
{{- define "skill-service.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Seconds the service may spend draining: SHUTDOWN_TIMEOUT_MS rounded up. */}}
{{- define "skill-service.drainSeconds" -}}
{{- div (add (int .Values.config.shutdownTimeoutMs) 999) 1000 }}
{{- end }}

{{/* preStop sleep + drain + margin: the kubelet must not SIGKILL a pod that is still draining. */}}
{{- define "skill-service.terminationGracePeriodSeconds" -}}
{{- add (int .Values.lifecycle.preStopSleepSeconds) (include "skill-service.drainSeconds" . | int) (int .Values.lifecycle.terminationGraceExtraSeconds) }}
{{- end }}

{{/*
Whether a monitoring.coreos.com object is rendered: the setting is true, or "auto" and the cluster serves the API
(helm template: pass --api-versions monitoring.coreos.com/v1).
Usage: include "skill-service.monitoringEnabled" (list . .Values.metrics.serviceMonitor.enabled "ServiceMonitor")
*/}}
{{- define "skill-service.monitoringEnabled" -}}
{{- $root := index . 0 }}
{{- $setting := index . 1 }}
{{- $kind := index . 2 }}
{{- if eq (toString $setting) "true" }}true
{{- else if and (eq (toString $setting) "auto") ($root.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" $kind)) }}true
{{- end }}
{{- end }}

{{/* The series of this release's scrape job: used by every alert expression. */}}
{{- define "skill-service.alertSelector" -}}
job="{{ include "skill-service.fullname" . }}",namespace="{{ .Release.Namespace }}"
{{- end }}

{{/* Bytes of a Kubernetes quantity ("320Mi", "1G", "536870912"). */}}
{{- define "skill-service.bytes" -}}
{{- $quantity := toString . }}
{{- $unit := regexFind "[a-zA-Z]+$" $quantity }}
{{- $factors := dict "" 1 "m" 0.001 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 }}
{{- int64 (mulf (trimSuffix $unit $quantity | float64) (get $factors $unit)) }}
{{- end }}

{{/*
MAX_CONNECTIONS: config.maxConnections, or with "auto" as many connections as can each hold a whole request body
(BODY_LIMIT_BYTES + 16 KiB of per-connection buffers) in the memory between the pod's request (the service's
own need, measured peak RSS under load 131-156 MiB) and its limit. Defaults: (320Mi - 160Mi) / 144 KiB = 1137.
*/}}
{{- define "skill-service.maxConnections" -}}
{{- if eq (toString .Values.config.maxConnections) "auto" }}
{{- $room := sub (include "skill-service.bytes" .Values.resources.limits.memory | int64) (include "skill-service.bytes" .Values.resources.requests.memory | int64) }}
{{- div $room (add (int64 .Values.config.bodyLimitBytes) 16384) }}
{{- else }}
{{- int64 .Values.config.maxConnections }}
{{- end }}
{{- end }}

{{/* Fails the render on settings that cannot work together. */}}
{{- define "skill-service.validate" -}}
{{- if and (eq .Values.config.nodeEnv "production") (empty .Values.config.alexa.skillIds) }}
{{- fail "config.alexa.skillIds is required when config.nodeEnv is production (the service rejects requests for other skills): --set 'config.alexa.skillIds={amzn1.ask.skill.<id>}'" }}
{{- end }}
{{- if and (eq .Values.config.nodeEnv "production") (not .Values.config.alexa.verify) }}
{{- fail "config.alexa.verify must stay true in production: Amazon requires every request's signature to be verified" }}
{{- end }}
{{- if and (eq .Values.config.nodeEnv "production") (ne .Values.config.alexa.certSource "https") }}
{{- fail "config.alexa.certSource must be https in production (file:<dir> is a development setting)" }}
{{- end }}
{{- if and (eq .Values.config.nodeEnv "production") .Values.stateStore.redis.existingSecret (not .Values.stateStore.keySecret.existingSecret) }}
{{- fail "stateStore.keySecret.existingSecret is required with stateStore.redis in production: the pods key user state by an HMAC under STATE_KEY_SECRET (16+ random characters), e.g. kubectl create secret generic skill-service-state --from-literal=state-key-secret=$(openssl rand -base64 32)" }}
{{- end }}
{{- if and .Values.ingress.enabled (ne .Values.config.nodeEnv "production") }}
{{- fail (printf "config.nodeEnv must be production when ingress.enabled: the skill endpoint is then public, and NODE_ENV=%s accepts development settings (verification off, a development CA, replay protection off)" .Values.config.nodeEnv) }}
{{- end }}
{{- if eq .Values.config.nodeEnv "production" }}
{{- if .Values.config.alexa.trustedCaFile }}
{{- fail "config.alexa.trustedCaFile must stay empty in production: whoever holds that CA's key could sign requests (a development setting)" }}
{{- end }}
{{- $replay := lower (toString (index .Values.config.extraEnv "ALEXA_REPLAY_PROTECTION" | default "true")) }}
{{- if has $replay (list "false" "0" "no") }}
{{- fail "config.extraEnv.ALEXA_REPLAY_PROTECTION must not turn replay protection off in production (a development setting)" }}
{{- end }}
{{- $anyEndpoint := lower (toString (index .Values.config.extraEnv "ALEXA_API_ENDPOINT_ALLOW_ANY" | default "false")) }}
{{- if has $anyEndpoint (list "true" "1" "yes") }}
{{- fail "config.extraEnv.ALEXA_API_ENDPOINT_ALLOW_ANY must not be on in production (a development setting)" }}
{{- end }}
{{- end }}
{{- $managed := list "NODE_ENV" "LOG_LEVEL" "HOST" "PORT" "METRICS_PORT" "SHUTDOWN_TIMEOUT_MS" "BODY_LIMIT_BYTES" "MAX_CONNECTIONS" "ALEXA_ENDPOINT_PATH" "ALEXA_SKILL_ID" "ALEXA_VERIFY" "ALEXA_CERT_SOURCE" "ALEXA_TRUSTED_CA_FILE" "TRUST_PROXY" "MUSIC_API_BASE_URL" "REDIS_URL" "STATE_KEY_SECRET" "STATE_COMMAND_TIMEOUT_MS" "STATE_ATTRIBUTES_TTL_SECONDS" "OTEL_EXPORTER_OTLP_ENDPOINT" "OTEL_EXPORTER_OTLP_PROTOCOL" "OTEL_SERVICE_NAME" "OTEL_TRACES_SAMPLER" "OTEL_TRACES_SAMPLER_ARG" }}
{{- range $name, $_ := .Values.config.extraEnv }}
{{- if has $name $managed }}
{{- fail (printf "config.extraEnv.%s is set by its own chart value; set that instead" $name) }}
{{- end }}
{{- end }}
{{- if and (eq (toString .Values.config.maxConnections) "auto") (lt (include "skill-service.maxConnections" . | int64) 1) }}
{{- fail "resources.limits.memory leaves no room for request bodies above resources.requests.memory (config.maxConnections auto needs at least config.bodyLimitBytes + 16Ki between them): raise the limit or set config.maxConnections" }}
{{- end }}
{{- if and .Values.ingress.enabled (not (hasPrefix "/" .Values.config.alexa.endpointPath)) }}
{{- fail "config.alexa.endpointPath must start with /" }}
{{- end }}
{{- end }}

{{/*
Non-empty when the NetworkPolicy restricts egress: networkPolicy.egress.enabled true, or auto with the Redis store set.
*/}}
{{- define "skill-service.egressPolicy" -}}
{{- $mode := toString .Values.networkPolicy.egress.enabled -}}
{{- if or (eq $mode "true") (and (eq $mode "auto") .Values.stateStore.redis.existingSecret) -}}
true
{{- end -}}
{{- end }}

{{/* The port of the OTLP collector (otel.endpoint): the URL's own, else 443 for https and 80 for http. */}}
{{- define "skill-service.otelPort" -}}
{{- $url := urlParse .Values.otel.endpoint }}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" }}
{{- $port | default (ternary "443" "80" (eq $url.scheme "https")) }}
{{- end }}
