using Microsoft.Extensions.Logging.Console;

namespace Bulwark.Observability.Logging;

/// <summary>Options for <see cref="JsonLineFormatter"/>.</summary>
public sealed class JsonLineFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The service name written on every line.</summary>
    /// <value>The default value is the entry assembly name.</value>
    public string? ServiceName { get; set; }

    /// <summary>The service version written on every line.</summary>
    /// <value>The default value is the entry assembly's informational version.</value>
    public string? ServiceVersion { get; set; }
}
