{{/*
The service level indicators of the PrometheusRule (docs/observability.md#service-level-objectives), as PromQL over
one window, per release (namespace, job). Usage: include "skill-service.slo.requests" (list . "1h")

Availability counts every request to the skill endpoint that was not refused with a 4xx (verification refusals,
wrong content type, body too large: not the service failing), from http_requests_total, which is one series per
status class and so loses the least to rate() when a pod starts. A request is bad when it was answered with the
spoken apology (alexa_requests_total{outcome="handler_error"}) or a 5xx. "or <requests> * 0": a kind of failure
that never happened is 0, not absent.
*/}}
{{- define "skill-service.slo.requests" -}}
{{- $root := index . 0 -}}
sum by (namespace, job) (rate(http_requests_total{ {{- include "skill-service.alertSelector" $root -}} ,route="{{ $root.Values.config.alexa.endpointPath }}",status_class!="4xx"}[{{ index . 1 }}]))
{{- end }}

{{- define "skill-service.slo.errors" -}}
{{- $root := index . 0 }}
{{- $sel := include "skill-service.alertSelector" $root }}
{{- $zero := printf "%s * 0" (include "skill-service.slo.requests" .) -}}
(sum by (namespace, job) (rate(alexa_requests_total{ {{- $sel -}} ,outcome="handler_error"}[{{ index . 1 }}])) or {{ $zero }})
  + (sum by (namespace, job) (rate(http_requests_total{ {{- $sel -}} ,route="{{ $root.Values.config.alexa.endpointPath }}",status_class="5xx"}[{{ index . 1 }}])) or {{ $zero }})
{{- end }}

{{/*
Latency counts the answered requests of a known request type (request_type "other" holds the verification
refusals, answered in microseconds, and types the service does not know); slow ones took longer than
slo.latency.thresholdSeconds, a bucket boundary of alexa_request_duration_seconds (the schema allows only those).
*/}}
{{- define "skill-service.slo.latencyRequests" -}}
sum by (namespace, job) (rate(alexa_request_duration_seconds_count{ {{- include "skill-service.alertSelector" (index . 0) -}} ,request_type!="other"}[{{ index . 1 }}]))
{{- end }}

{{- define "skill-service.slo.latencySlow" -}}
{{- $root := index . 0 -}}
{{ include "skill-service.slo.latencyRequests" . }}
  - sum by (namespace, job) (rate(alexa_request_duration_seconds_bucket{ {{- include "skill-service.alertSelector" $root -}} ,request_type!="other",le="{{ $root.Values.slo.latency.thresholdSeconds }}"}[{{ index . 1 }}]))
{{- end }}
