using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Auth;

/// <summary>How customers' access tokens are signed and checked. Bound from <c>Shop:Auth</c>; see docs/security.md.</summary>
public sealed class ShopAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Auth";

    /// <summary>The shortest signing key accepted (HMAC-SHA256 wants at least 256 bits).</summary>
    public const int MinSigningKeyLength = 32;

    /// <summary>The HMAC-SHA256 key that signs and checks customer tokens; every shop instance needs the same one.</summary>
    /// <value>There is no default: the shop refuses to start without one (Development ships a demo key).</value>
    [Required(ErrorMessage = $"Set {SectionName}:{nameof(SigningKey)} to a random secret of at least 32 characters.")]
    [MinLength(MinSigningKeyLength, ErrorMessage = $"{SectionName}:{nameof(SigningKey)} needs at least 32 characters.")]
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>The token issuer (<c>iss</c>), checked on every request.</summary>
    /// <value>The default value is <c>bulwark-shop</c>.</value>
    [Required]
    public string Issuer { get; set; } = "bulwark-shop";

    /// <summary>The token audience (<c>aud</c>), checked on every request.</summary>
    /// <value>The default value is <c>bulwark-shop</c>.</value>
    [Required]
    public string Audience { get; set; } = "bulwark-shop";

    /// <summary>How long a token is valid after sign-in.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
