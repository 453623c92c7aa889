import { loadConfig } from '#libs/config';
import { startTracing } from '#libs/tracing';

// Tracing first (when OTEL_EXPORTER_OTLP_ENDPOINT is set): its instrumentations must be in place
// before the app's modules — pg, http — are loaded, so the app is imported afterwards.
try {
  const config = loadConfig();
  const tracing = await startTracing('worker', config.tracing);
  const { serve } = await import('./serve.js');
  await serve(config, tracing);
} catch (err) {
  // a configuration problem is a message for a person, not a stack trace
  console.error(err instanceof Error && err.name === 'ConfigError' ? err.message : err);
  process.exit(1);
}
