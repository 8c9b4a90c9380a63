using System.ComponentModel.DataAnnotations;

namespace Shop.Externals.Faults;

/// <summary>The faults a stand-in injects into every request except its control endpoints.</summary>
public sealed record FaultSettings : IValidatableObject
{
    /// <summary>Added before the handler runs, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; init; }

    /// <summary>Share of requests answered with <see cref="ErrorStatus"/> (0 to 1).</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; init; }

    /// <summary>The status code of an injected error: a 5xx failure, or a 4xx refusal such as 402 (a declined payment).</summary>
    [Range(400, 599)]
    public int ErrorStatus { get; init; } = 503;

    /// <summary>Hard down: the connection is aborted without any response, like a crashed process.</summary>
    public bool Down { get; init; }

    /// <summary>Headers are sent at once, then the body trickles out over this many milliseconds.</summary>
    [Range(0, 600_000)]
    public int SlowBodyMs { get; init; }

    /// <summary>
    /// Share of state-changing requests (POST, PUT, PATCH, DELETE) that are <em>processed</em> and then lose their answer
    /// (0 to 1): the charge is recorded, the caller never learns it. The request that an idempotency key and a lookup
    /// exist for. Reads are not affected: they changed nothing, so losing their answer is just <see cref="ErrorRate"/>.
    /// </summary>
    [Range(0.0, 1.0)]
    public double LoseResponseRate { get; init; }

    /// <summary>
    /// How an answer is lost: 0 aborts the connection after the handler ran (a cut connection or a client timeout);
    /// 500–599 answers that status instead of the real answer (a gateway failing after the backend succeeded).
    /// </summary>
    [Range(0, 599)]
    public int LostResponseStatus { get; init; }

    /// <summary>No faults.</summary>
    public static FaultSettings None { get; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LostResponseStatus is not 0 and (< 500 or > 599))
        {
            yield return new ValidationResult("lostResponseStatus is 0 (abort the connection) or 500 to 599.", [nameof(LostResponseStatus)]);
        }
    }
}
