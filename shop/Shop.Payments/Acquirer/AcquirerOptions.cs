using System.ComponentModel.DataAnnotations;

namespace Shop.Payments.Acquirer;

/// <summary>Where the acquirer is and the merchant's key. Bound from <c>Shop:Payments:Acquirer</c>; used only when it is the provider.</summary>
internal sealed class AcquirerOptions
{
    public const string SectionName = "Shop:Payments:Acquirer";

    /// <summary>The acquirer's base address.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5104</c>.</value>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:5104");

    /// <summary>The merchant's API key, sent as <c>X-Api-Key</c>.</summary>
    /// <value>The default value is empty: set it when <c>Shop:Payments:Provider</c> is <c>Acquirer</c> (start-up says so).</value>
    public string ApiKey { get; set; } = "";
}
