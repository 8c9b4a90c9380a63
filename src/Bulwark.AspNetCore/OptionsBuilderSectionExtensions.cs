using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore;

/// <summary>
/// The rule of the middleware registrations that take the application configuration as an optional argument
/// (<c>AddBulwarkDeadlines</c>, <c>AddBulwarkLoadShedding</c>, <c>AddBulwarkRateLimiting</c>): bound from their section
/// when it is given, set in code otherwise, validated at start-up either way.
/// </summary>
internal static class OptionsBuilderSectionExtensions
{
    public static OptionsBuilder<TOptions> BindSectionIfGiven<TOptions>(this OptionsBuilder<TOptions> options, IConfiguration? configuration, string sectionName)
        where TOptions : class
    {
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(sectionName));
        }

        return options;
    }
}
