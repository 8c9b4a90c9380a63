using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.DependencyInjection;

/// <summary>Binds named options from the child of a configuration section with the same name, for any name.</summary>
internal sealed class SectionPerName<TOptions>(IConfiguration section) : IConfigureNamedOptions<TOptions>
    where TOptions : class
{
    public void Configure(string? name, TOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            section.GetSection(name).Bind(options);
        }
    }

    public void Configure(TOptions options) => Configure(Options.DefaultName, options);
}
