namespace Bulwark.Resilience.RateLimiting;

/// <summary>Decides whether one request of a partition (API key, user, IP) fits its policy. Local or distributed.</summary>
public interface IRateLimitDecider
{
    /// <summary>Takes one permit for <paramref name="partitionKey"/> under <paramref name="policy"/>, if there is one.</summary>
    /// <param name="policyName">The policy's (tier's) name; partitions of different tiers never share counters.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="partitionKey">Who is counted (for example <c>key:abc</c> or <c>ip:10.0.0.1</c>).</param>
    /// <param name="cancellationToken">Cancels a distributed decision.</param>
    /// <returns>The decision; never throws for a refusal.</returns>
    ValueTask<RateLimitDecision> DecideAsync(string policyName, RateLimitPolicy policy, string partitionKey, CancellationToken cancellationToken);
}
