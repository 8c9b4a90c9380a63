namespace Bulwark.Resilience.Bulkhead;

/// <summary>A full bulkhead compartment refused a call; the HTTP layer answers 503 with <c>Retry-After</c>.</summary>
public sealed class BulkheadRejectedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    /// <param name="compartment">The full compartment.</param>
    /// <param name="retryAfter">When trying again makes sense.</param>
    public BulkheadRejectedException(string compartment, TimeSpan retryAfter)
        : base($"Bulkhead compartment '{compartment}' is full.")
    {
        Compartment = compartment;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates a refusal without context; prefer the other constructor.</summary>
    public BulkheadRejectedException()
        : this("unknown", TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates a refusal with a message; prefer the compartment constructor.</summary>
    /// <param name="message">The message.</param>
    public BulkheadRejectedException(string message)
        : base(message)
    {
        Compartment = "unknown";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Creates a refusal with a message and cause; prefer the compartment constructor.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BulkheadRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Compartment = "unknown";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>The compartment that was full.</summary>
    public string Compartment { get; }

    /// <summary>When trying again makes sense.</summary>
    public TimeSpan RetryAfter { get; }
}
