using Bulwark.Resilience.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Redis.RateLimiting;

/// <summary>Registers the Redis rate limiter as the <see cref="IRateLimitDecider"/>.</summary>
public static class RedisRateLimiterServiceCollectionExtensions
{
    /// <summary>Makes rate limits shared through Redis; needs an <see cref="IConnectionMultiplexer"/> registration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBulwarkRedisRateLimiter(this IServiceCollection services, Action<RedisRateLimiterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RedisRateLimiterOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalRateLimiter>();
        services.RemoveAll<IRateLimitDecider>();
        services.AddSingleton<IRateLimitDecider>(sp => new RedisRateLimiter(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<LocalRateLimiter>(),
            options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RedisRateLimiter>>()));
        return services;
    }
}
