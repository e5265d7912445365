{{- define "batch-eval.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
ml.ferry.dev/model: {{ .Values.model.name }}
ml.ferry.dev/model-version: {{ .Values.model.version }}
{{- end -}}
