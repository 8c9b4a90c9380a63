using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Limits;

/// <summary>Registers Kestrel limits chosen on purpose and the per-client connection cap. See <c>docs/limits.md</c>.</summary>
public static class ConnectionLimitsServiceCollectionExtensions
{
    /// <summary>
    /// Binds validated <see cref="ConnectionLimitsOptions"/> from <c>Bulwark:Limits</c> and applies them to Kestrel: the
    /// server limits, and a connection middleware on every endpoint that caps open connections per client address.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBulwarkConnectionLimits(this IServiceCollection services, Action<ConnectionLimitsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ConnectionLimitsOptions>().BindConfiguration(ConnectionLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ExemptAddresses.All(a => IPAddress.TryParse(a, out _)), $"{ConnectionLimitsOptions.SectionName}:{nameof(ConnectionLimitsOptions.ExemptAddresses)} must list IP addresses.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<ClientConnectionLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, ConfigureKestrelLimits>());
        return services;
    }

    /// <summary>
    /// Sets this endpoint's own request body limit, above or below <see cref="ConnectionLimitsOptions.MaxRequestBodyBytes"/>
    /// (an upload endpoint); over it the request is answered 413.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="maxBytes">The largest body accepted, or <see langword="null"/> for no limit.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithMaxRequestBodySize<TBuilder>(this TBuilder builder, long? maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new RequestBodySizeLimit(maxBytes));
    }

    // Routing applies IRequestSizeLimitMetadata to the request's IHttpMaxRequestBodySizeFeature before the endpoint runs.
    private sealed record RequestBodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

    private sealed class ConfigureKestrelLimits(IOptions<ConnectionLimitsOptions> options, ClientConnectionLimiter limiter) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel)
        {
            var limits = options.Value;
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            // An upgraded connection (WebSocket) is still a connection and an fd.
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
            kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineSize;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(limiter.Wrap));
        }
    }
}
