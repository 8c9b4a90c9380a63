namespace Bulwark.Drills.Load;

/// <summary>Why a request got no HTTP status.</summary>
public enum LoadFailure
{
    /// <summary>The request got a response (whatever its status).</summary>
    None,

    /// <summary>No full response within the request timeout.</summary>
    Timeout,

    /// <summary>The connection failed: refused, reset, closed early.</summary>
    Transport,

    /// <summary>Open-loop only: due while the in-flight cap was reached, so never sent.</summary>
    Dropped,
}

/// <summary>One request of a load run.</summary>
/// <param name="Index">The request's number in the run, from 0.</param>
/// <param name="Offset">When it started, from the start of the run.</param>
/// <param name="Latency">From start to the last byte of the response (or to the failure).</param>
/// <param name="StatusCode">The HTTP status, or 0 when there was none.</param>
/// <param name="Failure">Why there was no status.</param>
/// <param name="HasRetryAfter">Whether the response carried <c>Retry-After</c>.</param>
/// <param name="Label">The request's label (e.g. the route or the caller), for per-label figures.</param>
public readonly record struct LoadSample(
    int Index,
    TimeSpan Offset,
    TimeSpan Latency,
    int StatusCode,
    LoadFailure Failure,
    bool HasRetryAfter,
    string? Label)
{
    /// <summary>Whether this sample counts as an error: no response, or a 5xx.</summary>
    public bool IsError => Failure is LoadFailure.Timeout or LoadFailure.Transport || StatusCode >= 500;
}
