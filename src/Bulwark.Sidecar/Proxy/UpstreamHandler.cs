using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bulwark.Sidecar.Proxy;

/// <summary>
/// Sends each forwarded request through the upstream's retrying or single-attempt pipeline and turns the pipeline's
/// refusals into answers the caller can act on: an open breaker or a full bulkhead is 503 with <c>Retry-After</c>, a
/// spent deadline or timeout 504. Left as exceptions, YARP would answer every one of them with a bare 502.
/// </summary>
internal sealed class UpstreamHandler(string upstream, HttpMessageInvoker retrying, HttpMessageInvoker singleAttempt, SidecarMetrics metrics)
    : HttpMessageHandler
{
    /// <summary>The response header naming why the sidecar answered instead of the upstream.</summary>
    public const string RefusedHeader = "X-Bulwark-Sidecar-Refused";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The forwarded body is a stream read once, and only safe methods are known to be repeatable.
        var invoker = request.Content is null && IsSafe(request.Method) ? retrying : singleAttempt;
        try
        {
            var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.Forwarded(upstream, response.StatusCode);
            return response;
        }
        catch (BrokenCircuitException e)
        {
            metrics.Refused(upstream, SidecarMetrics.CircuitOpen);
            return Refusal(HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable, SidecarMetrics.CircuitOpen,
                $"The circuit to '{upstream}' is open after repeated failures; no call was made.", e.RetryAfter);
        }
        catch (BulkheadRejectedException)
        {
            metrics.Refused(upstream, SidecarMetrics.BulkheadFull);
            return Refusal(HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable, SidecarMetrics.BulkheadFull,
                $"Too many calls to '{upstream}' are in flight; this one was not started.", TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when ((e is DeadlineExceededException or TimeoutRejectedException) && !cancellationToken.IsCancellationRequested)
        {
            metrics.Refused(upstream, SidecarMetrics.DeadlineExceeded);
            return Refusal(HttpStatusCode.GatewayTimeout, ProblemTypes.DeadlineExceeded, SidecarMetrics.DeadlineExceeded,
                $"'{upstream}' did not answer within the request's deadline or its timeout.", retryAfter: null);
        }
    }

    private static bool IsSafe(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;

    private static HttpResponseMessage Refusal(HttpStatusCode status, string type, string reason, string detail, TimeSpan? retryAfter)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Problem(type, reason.Replace('_', ' '), (int)status, detail), ProblemJson.Default.Problem);
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json");
        response.Headers.TryAddWithoutValidation(RefusedHeader, reason);
        if (retryAfter is { } after)
        {
            // Whole seconds, rounded up: a client told 0 would retry at once into the same refusal.
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(after.TotalSeconds))));
        }

        return response;
    }

    internal sealed record Problem(string Type, string Title, int Status, string Detail);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(UpstreamHandler.Problem))]
internal sealed partial class ProblemJson : System.Text.Json.Serialization.JsonSerializerContext;
