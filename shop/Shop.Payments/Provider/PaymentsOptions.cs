using System.ComponentModel.DataAnnotations;
using Shop.Payments.Acquirer;

namespace Shop.Payments.Provider;

/// <summary>The payment vendors the module has an adapter for.</summary>
internal enum PaymentProviderKind
{
    /// <summary>The card provider at <c>Shop:Externals:PaymentProviderUrl</c>.</summary>
    PaymentProvider,

    /// <summary>The acquirer at <c>Shop:Payments:Acquirer:Url</c>.</summary>
    Acquirer,
}

/// <summary>Which vendor takes the money. Bound from <c>Shop:Payments</c>.</summary>
internal sealed class PaymentsOptions : IValidatableObject
{
    public const string SectionName = "Shop:Payments";

    /// <summary>The vendor every charge, refund and lookup goes to.</summary>
    /// <value>The default value is <see cref="PaymentProviderKind.PaymentProvider"/>.</value>
    public PaymentProviderKind Provider { get; set; } = PaymentProviderKind.PaymentProvider;

    /// <summary>The acquirer's key, checked here so a missing one fails start-up rather than the first charge.</summary>
    public AcquirerOptions Acquirer { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == PaymentProviderKind.Acquirer && string.IsNullOrWhiteSpace(Acquirer.ApiKey))
        {
            yield return new ValidationResult($"Shop:Payments:Provider is Acquirer: set {AcquirerOptions.SectionName}:ApiKey to the merchant's key.", [nameof(Acquirer)]);
        }
    }
}
