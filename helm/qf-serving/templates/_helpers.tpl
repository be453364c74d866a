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

{{- define "qf-serving.modelsClaim" -}}
{{- default (printf "%s-models" (include "qf-serving.fullname" .)) .Values.models.persistence.existingClaim }}
{{- end }}

{{/* An HTTP probe on the container's http port: dict with "path" and "settings" (timings). */}}
{{- define "qf-serving.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: http
{{ toYaml .settings }}
{{- end }}
