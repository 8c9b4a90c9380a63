using System.Net;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bulwark.Resilience.Retry;

/// <summary>Which HTTP failures are worth retrying: 5xx, 408, 429 and network faults and timeouts; never 4xx client errors.</summary>
public static class HttpTransient
{
    /// <summary>Whether a response status is transient: 408, 429 and every 5xx. 400/401/403/404/409/422 never are.</summary>
    /// <param name="status">The status code.</param>
    /// <returns><see langword="true"/> when another attempt may succeed.</returns>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Whether a result is an <see cref="HttpResponseMessage"/> with a transient status.</summary>
    /// <param name="result">The result.</param>
    /// <returns><see langword="true"/> for transient responses.</returns>
    public static bool IsTransientResult(object? result) => result is HttpResponseMessage response && IsTransient(response.StatusCode);

    /// <summary>
    /// Whether an exception is transient: network faults and timeouts are; refusals by breakers and bulkheads,
    /// spent deadlines and cancellations are not (retrying them only adds load).
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> when another attempt may succeed.</returns>
    public static bool IsTransientException(Exception exception) => exception switch
    {
        null => false,
        DeadlineExceededException or BrokenCircuitException or BulkheadRejectedException => false,
        HttpRequestException or TimeoutRejectedException or TimeoutException => true,
        // HttpClient reports its own timeout as a cancellation wrapping a TimeoutException.
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>The delay a 429 or 503 response asks for through <c>Retry-After</c> (seconds or an HTTP date).</summary>
    /// <param name="result">The result.</param>
    /// <param name="now">The current time, for HTTP-date values.</param>
    /// <returns>The requested delay, or <see langword="null"/>.</returns>
    public static TimeSpan? RetryAfter(object? result, DateTimeOffset now)
    {
        if (result is not HttpResponseMessage { Headers.RetryAfter: { } header })
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date ? (date > now ? date - now : TimeSpan.Zero) : null;
    }

    /// <summary>Sets <paramref name="options"/> to retry only transient HTTP failures and honour <c>Retry-After</c>.</summary>
    /// <param name="options">The options to configure.</param>
    /// <returns>The same options.</returns>
    public static BulwarkRetryOptions ForHttp(this BulwarkRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ShouldRetryException = IsTransientException;
        options.ShouldRetryResult = IsTransientResult;
        options.RetryAfter = static (outcome, now) => RetryAfter(outcome.Result, now);
        return options;
    }
}
