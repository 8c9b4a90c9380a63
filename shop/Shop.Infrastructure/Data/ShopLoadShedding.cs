using Bulwark.AspNetCore.LoadShedding;
using Bulwark.Resilience.Bulkhead;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Shop.Infrastructure.Data;

/// <summary>
/// Load shedding in front of the shop database (issue 13): every API write is admitted through the <c>database</c>
/// bulkhead, sized from the connection pool unless <c>Bulwark:Resilience:Bulkheads:database</c> says otherwise; a write
/// that finds it full, or would queue past its deadline, gets 503 + <c>Retry-After</c> before it takes a connection or an
/// idempotency key. <c>Bulwark:LoadShedding:Enabled=false</c> turns it off. See docs/resilience.md#load-shedding.
/// </summary>
public static class ShopLoadShedding
{
    /// <summary>The compartment the shop's writes are admitted through.</summary>
    public const string Compartment = "database";

    /// <summary>On SQLite (one writer at a time, no pool) the compartment only bounds how many writes wait at once.</summary>
    public const int SqliteMaxConcurrency = 64;

    /// <summary>Writes that may wait for each slot of the compartment.</summary>
    public const int QueuePerSlot = 8;

    /// <summary>
    /// Registers the options and sizes the compartment: on PostgreSQL as many writes run as the pool has connections and
    /// <see cref="QueuePerSlot"/> times that may queue, each for a bounded time, so a write rarely waits for a connection,
    /// and never long.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddShopLoadShedding(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddBulwarkLoadShedding(configuration).Validate(o => o.Compartment == Compartment,
            $"{LoadSheddingOptions.SectionName}:{nameof(LoadSheddingOptions.Compartment)} must be '{Compartment}' in the shop (the compartment sized from its pool).");
        var configured = configuration.GetSection($"Bulwark:Resilience:Bulkheads:{Compartment}");
        services.AddOptions<BulkheadOptions>(Compartment)
            .Configure<IOptions<ShopDataOptions>>((o, data) =>
            {
                var size = ShopDatabase.PoolSizeOf(data.Value) ?? SqliteMaxConcurrency;
                if (configured[nameof(BulkheadOptions.MaxConcurrency)] is null)
                {
                    o.MaxConcurrency = size;
                }

                // The queue absorbs a burst (200 checkouts at once on a pool of 30 all wait their turn); what sheds under
                // sustained overload is the bounded wait (LoadSheddingOptions.MaxQueueWait, the deadline), not the length.
                if (configured[nameof(BulkheadOptions.QueueLimit)] is null)
                {
                    o.QueueLimit = QueuePerSlot * size;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>Admits API writes (not GET, HEAD or OPTIONS) through the compartment; place it before idempotency.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseShopLoadShedding(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/api")
                && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method),
            writes => writes.UseBulwarkLoadShedding());
}
