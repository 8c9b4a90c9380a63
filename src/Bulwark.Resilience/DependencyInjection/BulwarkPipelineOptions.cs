using System.ComponentModel.DataAnnotations;
using Bulwark.Resilience.Retry;

namespace Bulwark.Resilience.DependencyInjection;

/// <summary>
/// One named pipeline, bound from <c>Bulwark:Resilience:Pipelines:{name}</c>. Strategies run outermost first:
/// deadline/total timeout → retry → circuit breaker → bulkhead → attempt timeout → the call.
/// </summary>
/// <remarks>See docs/resilience.md#pipelines.</remarks>
public sealed class BulwarkPipelineOptions : IValidatableObject
{
    /// <summary>The whole call's budget when no ambient deadline is in scope (with one, the earlier wins).</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Each attempt's own timeout, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>The retry, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public BulwarkRetryOptions? Retry { get; set; }

    /// <summary>The name of the shared retry budget (<c>Bulwark:Resilience:RetryBudgets:{name}</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RetryBudget { get; set; }

    /// <summary>The name of the shared circuit breaker (<c>Bulwark:Resilience:CircuitBreakers:{name}</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CircuitBreaker { get; set; }

    /// <summary>The name of the bulkhead compartment (<c>Bulwark:Resilience:Bulkheads:{name}</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Bulkhead { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Data annotations do not descend into nested options; a bad retry would otherwise surface only when the
        // pipeline is first built.
        if (Retry is null)
        {
            return [];
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Retry, new ValidationContext(Retry), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult("Retry: " + r.ErrorMessage, [nameof(Retry)]));
    }
}
