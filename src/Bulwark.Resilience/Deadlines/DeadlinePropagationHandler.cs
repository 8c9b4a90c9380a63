using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Deadlines;

/// <summary>
/// An <see cref="HttpClient"/> handler that forwards the ambient deadline as <c>X-Deadline</c>, bounds the attempt by
/// the time left, and refuses a call whose deadline is spent before any connection is opened. A callee's 504 that arrives
/// when the deadline is spent is reported as <see cref="DeadlineExceededException"/>, as this hop's own timer would.
/// </summary>
/// <remarks>Register it inside (after) a resilience handler so every retry attempt is sized to what is left.
/// See docs/resilience.md#deadlines.</remarks>
public sealed partial class DeadlinePropagationHandler : DelegatingHandler
{
    private readonly TimeProvider _timeProvider;
    private readonly DeadlinePropagationOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">Its settings.</param>
    /// <param name="logger">Where refusals are logged.</param>
    public DeadlinePropagationHandler(TimeProvider timeProvider, IOptions<DeadlinePropagationOptions> options, ILogger<DeadlinePropagationHandler>? logger = null)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (DeadlineContext.Current is not { } deadline)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var remaining = deadline.Remaining(_timeProvider);
        var operation = request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "request";
        if (remaining <= _options.MinimumAttemptBudget)
        {
            LogSpent(_logger, request.Method, operation, remaining);
            throw new DeadlineExceededException(deadline, operation);
        }

        request.Headers.Remove(Deadline.HeaderName);
        request.Headers.TryAddWithoutValidation(Deadline.HeaderName, new Deadline(deadline.At - _options.NetworkAllowance).ToHeaderValue());

        using var timer = new CancellationTokenSource(remaining, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogExpiredInFlight(_logger, request.Method, operation);
            throw new DeadlineExceededException($"Deadline {deadline} passed while '{operation}' was in flight.", e);
        }

        // The callee worked to the same deadline, so its clock can pass it a moment before this hop's timer fires. Its
        // 504 then says what this hop's timer would have said: the request's deadline is spent, not that the callee
        // failed.
        if (response.StatusCode == HttpStatusCode.GatewayTimeout && deadline.Remaining(_timeProvider) <= _options.NetworkAllowance + _options.MinimumAttemptBudget)
        {
            response.Dispose();
            LogExpiredDownstream(_logger, request.Method, operation);
            throw new DeadlineExceededException($"Deadline {deadline} passed while '{operation}' was in flight; the callee answered 504.", new HttpRequestException(HttpRequestError.Unknown, "The callee answered 504 Gateway Timeout.", statusCode: HttpStatusCode.GatewayTimeout));
        }

        return response;
    }
}
