using System.ComponentModel.DataAnnotations;
using Microsoft.Net.Http.Headers;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>
/// Where static assets are served from and how long caches may keep them (Codex 19, Static Content Offloading). Bound
/// from the section the host names in <see cref="StaticContentServiceCollectionExtensions.AddBulwarkStaticContent"/>.
/// See <c>docs/static-content.md</c>.
/// </summary>
public sealed class StaticContentOptions : IValidatableObject
{
    /// <summary>The <c>Cache-Control</c> of a content-hashed asset: its name changes whenever its bytes do.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>
    /// The CDN that serves the assets (e.g. <c>https://cdn.example.com/</c>, a path allowed): pages name assets at this
    /// base, so browsers fetch them from the CDN, which fetches each from this origin once. Null names them on the origin.
    /// </summary>
    /// <value>The default value is null (root-relative URLs on the origin).</value>
    public Uri? CdnBaseUrl { get; set; }

    /// <summary>
    /// The <c>Cache-Control</c> sent with a content-hashed asset. Anything but the default only shows what a CDN does
    /// without it (<c>no-cache</c>: every fetch goes back to the origin, and the Physics drill fails).
    /// </summary>
    /// <value>The default value is <see cref="Immutable"/>.</value>
    [Required]
    public string CacheControl { get; set; } = Immutable;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CdnBaseUrl is { } cdn
            && (!cdn.IsAbsoluteUri || (cdn.Scheme != Uri.UriSchemeHttp && cdn.Scheme != Uri.UriSchemeHttps) || cdn.Query.Length > 0 || cdn.Fragment.Length > 0))
        {
            yield return new ValidationResult(
                $"CdnBaseUrl '{cdn}' must be an absolute http or https URL without query or fragment, e.g. https://cdn.example.com/ (or unset to serve assets from this origin).",
                [nameof(CdnBaseUrl)]);
        }

        if (!CacheControlHeaderValue.TryParse(CacheControl, out _))
        {
            yield return new ValidationResult($"CacheControl '{CacheControl}' is not a Cache-Control value; the default is '{Immutable}'.", [nameof(CacheControl)]);
        }
    }
}
