using System.ComponentModel.DataAnnotations;
using Bulwark.Messaging.Retries;

namespace Bulwark.Messaging;

/// <summary>Bus-wide messaging defaults. Bound from the <c>Bulwark:Messaging</c> section.</summary>
public sealed class MessagingOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Messaging";

    /// <summary>The retry policy of every subscription that does not override it.</summary>
    [Required]
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Unsettled deliveries a consumer holds.</summary>
    /// <value>The default value is 32.</value>
    [Range(1, 10_000)]
    public int Prefetch { get; set; } = 32;

    /// <summary>Deliveries a consumer handles in parallel.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How often the dead-letter depth gauge is refreshed from the transport.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DeadLetterDepthRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Data-annotation validation does not descend into nested options on its own.
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Retry, new ValidationContext(Retry), results, validateAllProperties: true);
        if (Retry.InitialDelay > Retry.MaxDelay)
        {
            results.Add(new ValidationResult("Retry.InitialDelay must not exceed Retry.MaxDelay.", [nameof(Retry)]));
        }

        return results.Select(r => new ValidationResult("Retry: " + r.ErrorMessage, [nameof(Retry)]));
    }
}
