// The benchmarks' HTTP client: node:http over kept-alive connections. Node's fetch costs so
// much per request that at a thousand requests a second the client's own event loop, not
// the server, set the p99 (hundreds of milliseconds against a server answering in one).
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true });

// Sends one request and reads the whole answer; resolves to its status.
export function send(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const ok = (status) => status >= 200 && status <= 299;
