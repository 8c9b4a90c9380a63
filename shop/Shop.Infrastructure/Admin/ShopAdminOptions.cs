using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Admin;

/// <summary>Who may call the shop's operator endpoints (price changes, the dead-letter queue).</summary>
public sealed class ShopAdminOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Admin";

    /// <summary>The shortest admin key accepted: shorter ones are guessable.</summary>
    public const int MinKeyLength = 16;

    /// <summary>The header that carries the key (the same header the rate limiter reads its tiers from).</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string HeaderName { get; set; } = "X-Api-Key";

    /// <summary>Keys that unlock admin endpoints. None configured: every admin call is refused with 403.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> ApiKeys { get; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var key in ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length < MinKeyLength)
            {
                yield return new ValidationResult(
                    $"Every {SectionName}:{nameof(ApiKeys)} entry needs at least {MinKeyLength} characters; one has {key?.Length ?? 0}.",
                    [nameof(ApiKeys)]);
            }
        }
    }
}
