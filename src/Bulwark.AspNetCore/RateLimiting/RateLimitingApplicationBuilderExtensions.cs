using Bulwark.Resilience.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.RateLimiting;

/// <summary>Registers and places the rate-limiting middleware.</summary>
public static class RateLimitingApplicationBuilderExtensions
{
    /// <summary>
    /// Registers the tiers (validated at start-up; bound from <c>Bulwark:RateLimiting</c> when configuration is given) and
    /// the in-process <see cref="LocalRateLimiter"/> unless another <see cref="IRateLimitDecider"/> (such as Redis) is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration, or <see langword="null"/>.</param>
    /// <returns>The options builder, to configure tiers and keys in code.</returns>
    public static OptionsBuilder<BulwarkRateLimitingOptions> AddBulwarkRateLimiting(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalRateLimiter>();
        services.TryAddSingleton<IRateLimitDecider>(sp => sp.GetRequiredService<LocalRateLimiter>());
        return services.AddOptions<BulwarkRateLimitingOptions>().ValidateDataAnnotations()
            .Validate(o => o.Tiers.ContainsKey(o.AnonymousTier) && o.Tiers.ContainsKey(o.AuthenticatedTier) && o.ApiKeys.Values.All(o.Tiers.ContainsKey),
                "Every tier named by AnonymousTier, AuthenticatedTier and ApiKeys must be defined in Tiers.")
            .ValidateOnStart()
            .BindSectionIfGiven(configuration, BulwarkRateLimitingOptions.SectionName);
    }

    /// <summary>Adds <see cref="RateLimitingMiddleware"/>; place it after authentication and before endpoints.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseBulwarkRateLimiting(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<RateLimitingMiddleware>();
    }
}
