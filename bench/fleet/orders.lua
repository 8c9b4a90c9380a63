-- One order per request, each with its own Idempotency-Key (a repeated key would be answered from the key's record).
-- TOKEN (a customer's bearer token) and PREFIX (keeps keys apart between wrk processes) come from the environment.
local counter = 0
local token = os.getenv("TOKEN")
local prefix = os.getenv("PREFIX") or "w"
wrk.method = "POST"
wrk.body = '{"items":[{"productId":1,"quantity":1}],"cardToken":"tok_visa","shippingPostcode":"10115"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. counter .. "-" .. math.random(1, 1000000000)
  return wrk.format(nil, "/api/orders")
end

done = function(summary, latency)
  io.write(string.format("orders_per_s=%.1f p50_ms=%.1f p99_ms=%.1f requests=%d non_2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
