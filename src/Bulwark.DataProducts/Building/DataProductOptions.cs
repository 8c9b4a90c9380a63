using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.DataProducts;

/// <summary>Where data products are written, how often they are rebuilt and the pseudonym key (<c>Bulwark:DataProducts</c>).</summary>
public sealed class DataProductOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:DataProducts";

    /// <summary>
    /// The pseudonym key shipped for the tour and the tests (base64). Refused in the Production environment: with a
    /// public key anyone can recompute a customer's pseudonym from the customer id.
    /// </summary>
    public const string DemoPseudonymKey = "ZGVtby1wc2V1ZG9ueW0ta2V5LWNoYW5nZS1tZS0wMTIzNDU2Nzg5YWJjZGVm";

    /// <summary>The folder holding one folder per product, then per major version, then per dataset version.</summary>
    /// <value>The default value is <c>data-products</c> (relative to the working folder; the shop puts it under its data folder).</value>
    [Required]
    public string RootPath { get; set; } = "data-products";

    /// <summary>How often every product is rebuilt (besides a build asked for on demand).</summary>
    /// <value>The default value is 15 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BuildInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether the scheduler builds every product once as the host starts.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool BuildOnStart { get; set; } = true;

    /// <summary>How many versions of each product are kept; older ones are deleted after a build (and with them the rows of forgotten subjects).</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int KeepVersions { get; set; } = 10;

    /// <summary>The HMAC key for personal fields, base64, at least 32 bytes (<c>openssl rand -base64 32</c>).</summary>
    /// <value>The default value is <see langword="null"/>: start-up fails until it is set.</value>
    public string? PseudonymKey { get; set; }

    internal byte[] PseudonymKeyBytes() => Convert.FromBase64String(PseudonymKey!);
}

/// <summary>Refuses a missing or short pseudonym key, and the demo key in Production.</summary>
internal sealed class DataProductOptionsValidator(IHostEnvironment environment) : IValidateOptions<DataProductOptions>
{
    public ValidateOptionsResult Validate(string? name, DataProductOptions options)
    {
        if (string.IsNullOrEmpty(options.PseudonymKey))
        {
            return ValidateOptionsResult.Fail($"Set {DataProductOptions.SectionName}:{nameof(DataProductOptions.PseudonymKey)} to a base64 key of at least 32 bytes (openssl rand -base64 32).");
        }

        byte[] key;
        try
        {
            key = options.PseudonymKeyBytes();
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail($"{DataProductOptions.SectionName}:{nameof(DataProductOptions.PseudonymKey)} is not base64.");
        }

        if (key.Length < 32)
        {
            return ValidateOptionsResult.Fail($"{DataProductOptions.SectionName}:{nameof(DataProductOptions.PseudonymKey)} holds {key.Length} bytes; use at least 32 (openssl rand -base64 32).");
        }

        if (environment.IsProduction() && string.Equals(options.PseudonymKey, DataProductOptions.DemoPseudonymKey, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Fail($"{DataProductOptions.SectionName}:{nameof(DataProductOptions.PseudonymKey)} is the shipped demo key, refused in Production: anyone could recompute pseudonyms with it. Set your own (openssl rand -base64 32).");
        }

        return ValidateOptionsResult.Success;
    }
}
