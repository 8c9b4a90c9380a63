using Bulwark.Resilience.DependencyInjection;
using Bulwark.Resilience.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Bff;

/// <summary>Adds a backend for frontend (Codex 11) at the edge. See <c>docs/edge.md</c>.</summary>
public static class BffServiceCollectionExtensions
{
    /// <summary>
    /// Adds the BFF <paramref name="name"/> with its settings bound from <paramref name="section"/> (normally
    /// <c>Edge:Bff:{name}</c>): its own rate limit, part timeouts and, per backend, its own resilience pipeline.
    /// Map its screens with <see cref="BffEndpointRouteBuilderExtensions.MapBulwarkBff"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The BFF's name (for example <c>mobile</c>).</param>
    /// <param name="section">Its configuration section.</param>
    /// <returns>A builder to name the backends it calls.</returns>
    public static IBffBuilder AddBulwarkBff(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<BffOptions>(name).Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BffOptions>, BffOptionsValidator>());
        // The composer, breakers and pipelines; the application's own AddBulwarkResilience(configuration) binds their settings.
        services.AddBulwarkResilience();
        services.TryAddSingleton<LocalRateLimiter>();
        services.TryAddSingleton<IRateLimitDecider>(sp => sp.GetRequiredService<LocalRateLimiter>());
        services.TryAddSingleton<EdgeMetrics>();
        services.TryAddSingleton<BffScreenRunner>();
        var registry = Registry(services);
        registry.AddBff(name);
        return new Builder(services, name, registry);
    }

    private static BffRegistry Registry(IServiceCollection services)
    {
        // Filled while services are registered, so it is one instance from the start rather than built by the container.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(BffRegistry))?.ImplementationInstance is BffRegistry existing)
        {
            return existing;
        }

        var registry = new BffRegistry();
        services.AddSingleton(registry);
        return registry;
    }

    private sealed class Builder(IServiceCollection services, string name, BffRegistry registry) : IBffBuilder
    {
        public IServiceCollection Services { get; } = services;

        public string Name { get; } = name;

        public IBffBuilder WithBackend(string backend)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(backend);
            var pipeline = BffRegistry.PipelineName(Name, backend);
            // Its own breaker per BFF and backend: recommendations failing never opens the way to the shop's products,
            // and the mobile BFF's failures never open the web BFF's. Bulwark:Resilience:Pipelines:{pipeline} overrides.
            Services.AddOptions<BulwarkPipelineOptions>(pipeline).Configure(o => o.CircuitBreaker ??= pipeline);
            // Time limits come from the part's timeout and the request's deadline, not from HttpClient's 100 s.
            Services.AddHttpClient(BffRegistry.ClientName(Name, backend), c => c.Timeout = Timeout.InfiniteTimeSpan)
                .AddBulwarkResilienceHandler(pipeline);
            registry.Add(Name, backend);
            return this;
        }
    }
}

/// <summary>Returned by <see cref="BffServiceCollectionExtensions.AddBulwarkBff"/> to name the backends a BFF calls.</summary>
public interface IBffBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The BFF's name.</summary>
    string Name { get; }

    /// <summary>Lets the BFF call <paramref name="backend"/> (a name in <c>Edge:Backends</c>) through its own client, pipeline and breaker.</summary>
    /// <param name="backend">The backend's name.</param>
    /// <returns>The builder.</returns>
    IBffBuilder WithBackend(string backend);
}
