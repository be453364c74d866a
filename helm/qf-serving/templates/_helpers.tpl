{{- define "qf-serving.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "qf-serving.fullname" -}}
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

{{- define "qf-serving.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qf-serving.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "qf-serving.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "qf-serving.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "qf-serving.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "qf-serving.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the admin token, or "" when no token is configured. */}}
{{- define "qf-serving.adminTokenSecret" -}}
{{- if .Values.adminToken.existingSecret }}
{{- .Values.adminToken.existingSecret }}
{{- else if .Values.adminToken.value }}
{{- printf "%s-admin-token" (include "qf-serving.fullname" .) }}
{{- end }}
{{- end }}

{{/* Whether experiment state is shared through Redis; fails when several replicas would go without it. */}}
{{- define "qf-serving.sharedState" -}}
{{- $shared := or .Values.redis.url .Values.redis.existingSecret }}
{{- $replicated := or (gt (int .Values.replicaCount) 1) (and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1)) }}
{{- if and $replicated (not $shared) }}
{{- fail "more than one replica (replicaCount > 1 or autoscaling.enabled) needs Redis: without it each replica keeps its own experiment state, so feedback, runtime experiment changes and reports would be split between replicas. Set redis.url or redis.existingSecret" }}
{{- end }}
{{- if $shared }}true{{ end }}
{{- end }}

{{/*
Whether the management port gets a ClusterIP Service of its own: a NodePort or LoadBalancer Service
would publish it outside the cluster with the others.
*/}}
{{- define "qf-serving.separateManagementService" -}}
{{- if ne .Values.service.type "ClusterIP" }}true{{ end }}
{{- end }}

{{- define "qf-serving.managementServicePort" -}}
- name: management
  port: {{ .Values.service.managementPort }}
  targetPort: management
  protocol: TCP
  appProtocol: http
{{- end }}

{{/* The Service that carries the management port. */}}
{{- define "qf-serving.managementService" -}}
{{- include "qf-serving.fullname" . }}{{ if include "qf-serving.separateManagementService" . }}-management{{ end }}
{{- end }}

{{- define "qf-serving.modelsClaim" -}}
{{- default (printf "%s-models" (include "qf-serving.fullname" .)) .Values.models.persistence.existingClaim }}
{{- end }}

{{/* An HTTP probe on the container's management port: dict with "path" and "settings" (timings). */}}
{{- define "qf-serving.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: management
{{ toYaml .settings }}
{{- end }}

{{/*
PromQL for the replace decision of one candidate/control pair: dict with "experiment", "candidate"
and "control". Every replica computes the decision from the same shared state, so all agree; min
turns a moment of disagreement (a replica not caught up yet) against replacing: replace only when
every replica says so, keep as soon as one does. It also folds the per-pod series into the one
value the controllers read. Plain {{ .field }} placeholders only: RolloutQueriesTests fills them
in without Helm.
*/}}
{{- define "qf-serving.replaceDecisionQuery" -}}
min by (experiment, candidate, control) (qf_experiment_decision{experiment="{{ .experiment }}", candidate="{{ .candidate }}", control="{{ .control }}"})
{{- end }}

{{/*
The JVM's flags: the cores the pod requests, rounded up, as the processors it counts (without a CPU
limit it would count the node's), then the chart's javaToolOptions. The server sizes its decoders and
its admission limit by those processors.
*/}}
{{- define "qf-serving.javaToolOptions" -}}
{{- $flags := list -}}
{{- with (.Values.resources.requests | default dict).cpu -}}
{{- $cpu := toString . -}}
{{- $cores := hasSuffix "m" $cpu | ternary (divf (trimSuffix "m" $cpu) 1000) $cpu -}}
{{- $flags = append $flags (printf "-XX:ActiveProcessorCount=%d" (max 1 (ceil $cores | int))) -}}
{{- end -}}
{{- with .Values.javaToolOptions -}}
{{- $flags = append $flags . -}}
{{- end -}}
{{- join " " $flags -}}
{{- end }}
