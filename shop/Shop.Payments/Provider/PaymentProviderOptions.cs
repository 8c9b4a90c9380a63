using System.ComponentModel.DataAnnotations;

namespace Shop.Payments.Provider;

/// <summary>Where the payment provider is. Bound from <c>Shop:Externals</c>.</summary>
internal sealed class PaymentProviderOptions
{
    public const string SectionName = "Shop:Externals";

    /// <summary>The default value is <c>http://127.0.0.1:5101</c>.</summary>
    [Required]
    public Uri PaymentProviderUrl { get; set; } = new("http://127.0.0.1:5101");
}
