using System.Globalization;
using Bulwark.AspNetCore.Resilience;
using Bulwark.Resilience.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.RateLimiting;

/// <summary>
/// Rate limits each request by API key, user or IP under its tier before any business code runs: 429 problem details
/// with <c>Retry-After</c> when over, and <c>X-RateLimit-Limit</c>/<c>-Remaining</c>/<c>-Reset</c> (seconds) on every response.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
/// <param name="decider">Local or distributed decisions.</param>
/// <param name="optionsMonitor">The tiers.</param>
/// <param name="logger">Where refusals are logged.</param>
public sealed partial class RateLimitingMiddleware(RequestDelegate next, IRateLimitDecider decider, IOptionsMonitor<BulwarkRateLimitingOptions> optionsMonitor, ILogger<RateLimitingMiddleware> logger)
{
    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes with the request.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = optionsMonitor.CurrentValue;
        if (options.Exempt?.Invoke(context) == true)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var partition = options.PartitionResolver?.Invoke(context) ?? Resolve(context, options);
        if (!options.Tiers.TryGetValue(partition.Tier, out var policy))
        {
            throw new InvalidOperationException($"The rate-limit partition resolver named tier '{partition.Tier}', which is not configured in Bulwark:RateLimiting:Tiers.");
        }

        var decision = await decider.DecideAsync(partition.Tier, policy, partition.Key, context.RequestAborted).ConfigureAwait(false);

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, decision.Remaining).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = Seconds(decision.ResetAfter).ToString(CultureInfo.InvariantCulture);
        if (decision.IsAllowed)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogLimited(logger, partition.Tier, partition.Key);
        headers.RetryAfter = Math.Max(1, Seconds(decision.RetryAfter)).ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"The '{partition.Tier}' tier allows {policy.PermitLimit} requests per {policy.Window}; retry after the Retry-After delay.",
            context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>API key (known keys only), then authenticated user, then client IP.</summary>
    internal static RateLimitPartition Resolve(HttpContext context, BulwarkRateLimitingOptions options)
    {
        if (context.Request.Headers.TryGetValue(options.ApiKeyHeader, out var key)
            && key.Count == 1 && key[0] is { Length: > 0 } apiKey
            && options.ApiKeys.TryGetValue(apiKey, out var tier) && options.Tiers.ContainsKey(tier))
        {
            return new RateLimitPartition(tier, "key:" + apiKey);
        }

        if (context.User.Identity is { IsAuthenticated: true, Name: { } user })
        {
            return new RateLimitPartition(options.AuthenticatedTier, "user:" + user);
        }

        return new RateLimitPartition(options.AnonymousTier, "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
    }

    private static int Seconds(TimeSpan span) => (int)Math.Ceiling(Math.Max(0, span.TotalSeconds));
}
