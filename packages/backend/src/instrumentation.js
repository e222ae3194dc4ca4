/*
 * OpenTelemetry metrics for the backend, exported for Prometheus to scrape
 * at http://<host>:${AIGC_METRICS_PORT:-9464}/metrics. Loaded before the
 * backend (node --require), since Backstage's metrics service takes its
 * meters from the global meter provider when plugins start.
 */
const { isMainThread } = require('node:worker_threads');

// Worker threads get --require too: their own exporter would take the port
// and serve an empty registry.
if (isMainThread) {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const exporter = new PrometheusExporter({
    host: process.env.AIGC_METRICS_HOST ?? '0.0.0.0',
    port: Number(process.env.AIGC_METRICS_PORT ?? 9464),
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
