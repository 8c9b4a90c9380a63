using Bulwark.Idempotency;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>Registers the <c>Idempotency-Key</c> middleware.</summary>
public static class IdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Adds validated <see cref="IdempotencyOptions"/>, the default caller accessor and the cleanup service. Choose a
    /// store on the returned builder (<c>UseSqlite</c>, <c>UsePostgres</c>, <c>UseRedis</c>), then call
    /// <see cref="UseBulwarkIdempotency"/> and mark endpoints with <c>RequireIdempotencyKey()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddBulwarkIdempotency(this IServiceCollection services, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdempotencyCallerAccessor, DefaultIdempotencyCallerAccessor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IdempotencyCleanupService>());
        return new Builder(services);
    }

    /// <summary>Adds the middleware; place it after routing and authentication, before the endpoints.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseBulwarkIdempotency(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<IdempotencyMiddleware>();
    }

    private sealed class Builder(IServiceCollection services) : IIdempotencyBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
