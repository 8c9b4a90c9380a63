using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.AspNetCore.Deadlines;

/// <summary>Registers and places the deadline middleware.</summary>
public static class DeadlineApplicationBuilderExtensions
{
    /// <summary>Registers <see cref="DeadlineOptions"/> (validated at start-up, bound from <c>Bulwark:Deadlines</c> when configuration is given).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBulwarkDeadlines(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DeadlineOptions>().ValidateDataAnnotations().ValidateOnStart().BindSectionIfGiven(configuration, DeadlineOptions.SectionName);
        return services;
    }

    /// <summary>Adds <see cref="DeadlineMiddleware"/>; place it first, before rate limiting and endpoints.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseBulwarkDeadlines(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<DeadlineMiddleware>();
    }
}
