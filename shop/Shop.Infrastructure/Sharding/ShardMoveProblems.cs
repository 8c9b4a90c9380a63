using Bulwark.Sharding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.Infrastructure.Sharding;

/// <summary>
/// The answer to a write whose customer's bucket stayed fenced (a shard move's last moment) longer than
/// <c>Bulwark:Sharding:FenceWait</c>: nothing was written, so the same request may be sent again in a moment (a 5xx
/// releases the idempotency key). See docs/sharding.md.
/// </summary>
public static class ShardMoveProblems
{
    /// <summary>A 503 problem of <paramref name="type"/> with <c>retryAfterSeconds</c> 1.</summary>
    /// <param name="exception">The fence the write met.</param>
    /// <param name="title">The problem's title, such as <c>Wallet moving</c>.</param>
    /// <param name="type">The module's problem type for it, listed in the OpenAPI document.</param>
    /// <returns>The problem.</returns>
    public static ProblemHttpResult Moving(ShardBucketFencedException exception, string title, string type)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return TypedResults.Problem(
            detail: exception.Message,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: title,
            type: type,
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = 1 });
    }
}
