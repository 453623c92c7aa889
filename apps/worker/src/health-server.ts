import http from 'node:http';
/**
 * Optional port for orchestrators and scrapers: GET /health and GET /metrics (this worker's job
 * counters and histograms, its pools, the cluster's queue gauges — what `render` returns).
 */
export function startHealthServer(
  port: number,
  isHealthy: () => boolean,
  render: () => Promise<string>,
): http.Server {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const ok = isHealthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'stopping' }));
      return;
    }
    if (req.method === 'GET' && req.url === '/metrics') {
      render()
        .then((text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(500).end();
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { code: 'not_found', message: 'Not found', details: [] }, request_id: '' }),
    );
  });
  server.listen(port, '0.0.0.0');
  return server;
}
