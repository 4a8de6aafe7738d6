-- Prints one JSON line with the figures the benchmark needs (latency in microseconds).
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "p50": %d, "p95": %d, "p99": %d, "bytes": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.bytes))
end
