using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;

namespace Shop.Infrastructure.Admin;

/// <summary>
/// The management port: <c>/metrics</c> and the operator endpoints are served there and answer 404 on the public port,
/// so a scrape target and admin routes are never on the internet by accident. Bound from <c>Shop:Management</c>.
/// </summary>
public sealed class ShopManagementOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Management";

    /// <summary>Whether the management port is used.</summary>
    /// <value>The default value is <see langword="null"/>: on outside Development, off in Development.</value>
    public bool? Enabled { get; set; }

    /// <summary>Where the management endpoints listen (an explicit port; keep it off the public network).</summary>
    /// <value>The default value is <c>http://127.0.0.1:5109</c>.</value>
    [Required]
    public string Url { get; set; } = "http://127.0.0.1:5109";

    /// <summary>Whether the management port is in use in <paramref name="environment"/>.</summary>
    public bool IsEnabled(IHostEnvironment environment) => Enabled ?? !environment.IsDevelopment();

    /// <summary>The port of <see cref="Url"/>.</summary>
    public int Port => new Uri(Url).Port;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || uri.IsDefaultPort && !Url.Contains(':', StringComparison.Ordinal))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Url)} must be an absolute http(s) URL with an explicit port, e.g. http://127.0.0.1:5109; got '{Url}'.", [nameof(Url)]);
        }
    }
}
