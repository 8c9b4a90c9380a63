using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.LoadShedding;

/// <summary>Registers and places the load-shedding middleware.</summary>
public static class LoadSheddingApplicationBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="LoadSheddingOptions"/> (validated at start-up; bound from <c>Bulwark:LoadShedding</c> when
    /// configuration is given). Needs <c>services.AddBulwarkResilience(...)</c> for the compartment.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration, or <see langword="null"/>.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<LoadSheddingOptions> AddBulwarkLoadShedding(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        return services.AddOptions<LoadSheddingOptions>().ValidateDataAnnotations().ValidateOnStart().BindSectionIfGiven(configuration, LoadSheddingOptions.SectionName);
    }

    /// <summary>
    /// Adds <see cref="LoadSheddingMiddleware"/>: after the deadline, authentication and rate limiting (a refused caller
    /// takes no slot) and before idempotency (a shed request writes no key), around the requests that use the resource.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseBulwarkLoadShedding(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<LoadSheddingMiddleware>();
    }
}
