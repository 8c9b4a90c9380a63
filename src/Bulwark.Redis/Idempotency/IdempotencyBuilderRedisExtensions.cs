using Bulwark.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Bulwark.Redis.Idempotency;

/// <summary>Chooses Redis for idempotency keys (the consumer inbox needs the handler's database, not Redis).</summary>
public static class IdempotencyBuilderRedisExtensions
{
    /// <summary>Keeps idempotency keys in Redis, through the registered <see cref="IConnectionMultiplexer"/> or <paramref name="configuration"/>.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, used when no multiplexer is registered.</param>
    /// <param name="keyPrefix">Prefix of every key written.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseRedis(this IIdempotencyBuilder builder, string? configuration = null, string keyPrefix = "bulwark:idempotency:")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        if (configuration is not null)
        {
            services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        }

        services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore>(sp =>
            new RedisIdempotencyStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>(), keyPrefix)));
        return builder;
    }
}
