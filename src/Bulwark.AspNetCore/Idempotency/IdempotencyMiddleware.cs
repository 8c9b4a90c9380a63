using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Idempotency;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>
/// Enforces <c>Idempotency-Key</c> on endpoints marked with <see cref="RequireIdempotencyKeyAttribute"/>: a missing or
/// malformed key is 400, a reuse with another request is 422, a duplicate of a running request waits (bounded) and
/// then gets 409, and a retry of a finished request gets the stored response with <c>Idempotent-Replayed: true</c>.
/// The handler runs once per caller and key. Only accepted requests are kept: a 4xx or 5xx answer gives its key up, and
/// a caller holding <see cref="IdempotencyOptions.MaxLiveKeysPerCaller"/> live keys gets 429 for a new one.
/// Writes after the handler (the record, a release) outlive a client that went away, but never wait past the request's
/// deadline plus <see cref="IdempotencyOptions.RecordGrace"/>: a record given up is logged and counted (<c>unrecorded</c>).
/// See <c>docs/data-consistency.md</c> and <c>docs/limits.md</c>.
/// </summary>
public sealed partial class IdempotencyMiddleware
{
    /// <summary>The response header set on a replayed response.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    // Connection-level or per-response headers that must not be replayed from storage.
    private static readonly HashSet<string> UnreplayedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.TransferEncoding, HeaderNames.Connection, HeaderNames.SetCookie, HeaderNames.KeepAlive,
    };

    private readonly RequestDelegate _next;
    private readonly IIdempotencyStore _store;
    private readonly IIdempotencyCallerAccessor _callerAccessor;
    private readonly IOptionsMonitor<IdempotencyOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Counter<long> _requests;

    /// <summary>Creates the middleware.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="store">Where keys and responses are kept.</param>
    /// <param name="callerAccessor">Scopes keys per caller.</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for waiting on duplicates.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Idempotency</c> meter.</param>
    public IdempotencyMiddleware(
        RequestDelegate next,
        IIdempotencyStore store,
        IIdempotencyCallerAccessor callerAccessor,
        IOptionsMonitor<IdempotencyOptions> options,
        TimeProvider timeProvider,
        ILogger<IdempotencyMiddleware> logger,
        IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _next = next;
        _store = store;
        _callerAccessor = callerAccessor;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _requests = meterFactory.Create("Bulwark.Idempotency")
            .CreateCounter<long>("bulwark.idempotency.requests", "{request}", "Requests seen by the idempotency middleware, by outcome.");
    }

    /// <summary>Handles one request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireIdempotencyKeyAttribute>() is null
            || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var options = _options.CurrentValue;
        var values = context.Request.Headers[options.HeaderName];
        if (values.Count == 0)
        {
            await ProblemAsync(context, "missing_key", StatusCodes.Status400BadRequest, IdempotencyProblems.KeyMissing, "Idempotency key required",
                $"This endpoint requires an {options.HeaderName} header: a unique value (e.g. a UUID) per logical operation, reused on retries.").ConfigureAwait(false);
            return;
        }

        var key = values.ToString();
        if (values.Count > 1 || !IsWellFormed(key, options.MaxKeyLength))
        {
            await ProblemAsync(context, "malformed_key", StatusCodes.Status400BadRequest, IdempotencyProblems.KeyMalformed, "Malformed idempotency key",
                $"The {options.HeaderName} header must be one value of 1 to {options.MaxKeyLength} visible ASCII characters.").ConfigureAwait(false);
            return;
        }

        var fingerprint = await FingerprintAsync(context.Request, options.MaxBodyBytes, options.FingerprintKey, context.RequestAborted).ConfigureAwait(false);
        if (fingerprint is null)
        {
            await ProblemAsync(context, "body_too_large", StatusCodes.Status413PayloadTooLarge, IdempotencyProblems.BodyTooLarge, "Request body too large",
                $"Idempotent requests are limited to {options.MaxBodyBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var scope = ScopeOf(_callerAccessor.GetCallerId(context));
        var storeKey = scope + ":" + key;
        var deadline = _timeProvider.GetUtcNow() + options.ConcurrentWait;
        var begin = await _store.TryBeginAsync(storeKey, fingerprint, options.InFlightTimeout, context.RequestAborted).ConfigureAwait(false);
        while (true)
        {
            if (begin.Owner is { } owner)
            {
                if (await OverCallerLimitAsync(storeKey, key, scope, owner, options, context.RequestAborted).ConfigureAwait(false) is { } room)
                {
                    var seconds = Math.Max(1, (long)Math.Ceiling(room.TotalSeconds));
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                    await ProblemAsync(context, "caller_key_limit", StatusCodes.Status429TooManyRequests, IdempotencyProblems.CallerKeyLimit, "Too many idempotency keys",
                        $"This caller already holds {options.MaxLiveKeysPerCaller} live {options.HeaderName} values (the MaxLiveKeysPerCaller cap); " +
                        $"retry an earlier key, or a new one after {seconds} s (Retry-After), when the first of them expires.").ConfigureAwait(false);
                    return;
                }

                await ExecuteAsync(context, storeKey, key, owner, options).ConfigureAwait(false);
                return;
            }

            var existing = begin.Existing!;
            if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                LogKeyReused(_logger, key);
                await ProblemAsync(context, "key_reused", StatusCodes.Status422UnprocessableEntity, IdempotencyProblems.KeyReused, "Idempotency key reused",
                    $"The {options.HeaderName} '{key}' was already used with a different request; use a new key for a new operation.").ConfigureAwait(false);
                return;
            }

            if (existing.State == IdempotencyState.Completed && existing.Response is { } stored)
            {
                _requests.Add(1, new KeyValuePair<string, object?>("outcome", "replayed"));
                await ReplayAsync(context, stored).ConfigureAwait(false);
                return;
            }

            if (_timeProvider.GetUtcNow() >= deadline)
            {
                LogStillInFlight(_logger, key, options.ConcurrentWait);
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(options.PollInterval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ProblemAsync(context, "in_flight", StatusCodes.Status409Conflict, IdempotencyProblems.RequestInFlight, "Request still in progress",
                    $"A request with {options.HeaderName} '{key}' is still being processed; retry later with the same key.").ConfigureAwait(false);
                return;
            }

            // The first request is running: wait for it to complete (replay) or give the key up (run it here).
            // Waiting polls with reads; only a vanished or expired record is worth another (write) claim.
            await Task.Delay(options.PollInterval, _timeProvider, context.RequestAborted).ConfigureAwait(false);
            var current = await _store.GetAsync(storeKey, context.RequestAborted).ConfigureAwait(false);
            begin = current is null
                ? await _store.TryBeginAsync(storeKey, fingerprint, options.InFlightTimeout, context.RequestAborted).ConfigureAwait(false)
                : new IdempotencyBeginResult(null, current);
        }
    }

    /// <summary>
    /// Counts after claiming, so the claim itself is in the count: parallel new keys can only be refused too eagerly,
    /// never let past the cap. A retry of a key already held never gets here (it replays or waits), so it is never refused.
    /// Over the cap, the claim is given up and the result is how long until the caller's first live key expires (its
    /// room for a new one); <see langword="null"/> under the cap.
    /// </summary>
    private async Task<TimeSpan?> OverCallerLimitAsync(string storeKey, string key, string scope, Guid owner, IdempotencyOptions options, CancellationToken cancellationToken)
    {
        if (options.MaxLiveKeysPerCaller == 0
            || await _store.CountLiveAsync(scope, cancellationToken).ConfigureAwait(false) <= options.MaxLiveKeysPerCaller)
        {
            return null;
        }

        await ReleaseAsync(storeKey, key, owner, options).ConfigureAwait(false);
        // None left (they expired meanwhile): room now, and the 1 s floor of Retry-After.
        var oldest = await _store.OldestLiveExpiryAsync(scope, cancellationToken).ConfigureAwait(false);
        var room = oldest is { } at ? at - _timeProvider.GetUtcNow() : TimeSpan.Zero;
        return room > TimeSpan.Zero ? room : TimeSpan.Zero;
    }

    private async Task ExecuteAsync(HttpContext context, string storeKey, string key, Guid owner, IdempotencyOptions options)
    {
        var response = context.Response;
        var originalBody = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            // No response to keep: give the key up so the client's retry runs the handler again.
            await ReleaseAsync(storeKey, key, owner, options).ConfigureAwait(false);
            throw;
        }
        finally
        {
            response.Body = originalBody;
        }

        // A 5xx says "try again": keeping it would turn a transient failure into a permanent one. A 4xx (validation,
        // not found, a conflict, a refusal) changed nothing, so there is nothing to protect from a second run, and
        // keeping it would let anyone fill the store with rejected requests (issue 9). The retry runs and answers afresh.
        if (response.StatusCode >= 400)
        {
            await ReleaseAsync(storeKey, key, owner, options).ConfigureAwait(false);
            _requests.Add(1, new KeyValuePair<string, object?>("outcome", response.StatusCode >= 500 ? "failed" : "rejected"));
        }
        else
        {
            var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in response.Headers)
            {
                if (!UnreplayedHeaders.Contains(name))
                {
                    headers[name] = value.ToArray()!;
                }
            }

            // Stored even if the client went away: its retry must see this outcome, not run the handler twice. But bounded:
            // with the database's pool saturated this write waited up to the pool's own timeout (15 s), past any client's
            // patience (issue 13). A record not written in time is given up: the answer still goes out (the work is
            // done; an error would invite the retry that runs it twice), and the risk left is logged and counted.
            var bound = RecordBound(options);
            using var cancel = new CancellationTokenSource(bound, _timeProvider);
            try
            {
                var stored = await _store.CompleteAsync(storeKey, owner, new IdempotentResponse(response.StatusCode, headers, buffer.ToArray()), options.Expiry, cancel.Token)
                    .ConfigureAwait(false);
                if (!stored)
                {
                    LogClaimLost(_logger, options.InFlightTimeout);
                }

                _requests.Add(1, new KeyValuePair<string, object?>("outcome", "executed"));
            }
            catch (Exception e) when (e is not OperationCanceledException || cancel.IsCancellationRequested)
            {
                LogUnrecorded(_logger, key, bound, e.GetType().Name, options.InFlightTimeout);
                _requests.Add(1, new KeyValuePair<string, object?>("outcome", "unrecorded"));
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(originalBody, context.RequestAborted).ConfigureAwait(false);
    }

    // Gives the key up, as bounded as the record: a key not given up stays in flight until InFlightTimeout (409 until then).
    private async Task ReleaseAsync(string storeKey, string key, Guid owner, IdempotencyOptions options)
    {
        var bound = RecordBound(options);
        using var cancel = new CancellationTokenSource(bound, _timeProvider);
        try
        {
            await _store.ReleaseAsync(storeKey, owner, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancel.IsCancellationRequested)
        {
            LogNotReleased(_logger, key, bound, e.GetType().Name, options.InFlightTimeout);
            _requests.Add(1, new KeyValuePair<string, object?>("outcome", "unreleased"));
        }
    }

    // What is left of the request's deadline (nothing when it has none or it passed) plus the grace.
    private TimeSpan RecordBound(IdempotencyOptions options)
    {
        var left = DeadlineContext.Current?.Remaining(_timeProvider) ?? TimeSpan.Zero;
        return (left > TimeSpan.Zero ? left : TimeSpan.Zero) + options.RecordGrace;
    }

    private static async Task ReplayAsync(HttpContext context, IdempotentResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers[ReplayedHeader] = "true";
        await response.Body.WriteAsync(stored.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private Task ProblemAsync(HttpContext context, string outcome, int status, string type, string title, string detail)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        return Results.Problem(detail: detail, statusCode: status, title: title, type: type).ExecuteAsync(context);
    }

    private static bool IsWellFormed(string key, int maxLength)
    {
        if (key.Length is 0 || key.Length > maxLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    // Hashing the caller keeps the store key short and free of personal data; the hash is the store's scope.
    private static string ScopeOf(string callerId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callerId)))[..32];

    /// <summary>
    /// SHA-256 (or HMAC-SHA256 with <paramref name="key"/>) over method, path, query and body; <see langword="null"/>
    /// when the body is over the limit.
    /// </summary>
    private static async Task<string?> FingerprintAsync(HttpRequest request, int maxBodyBytes, string? key, CancellationToken cancellationToken)
    {
        // A declared length over the limit is refused before a byte is read (or buffered to disk).
        if (request.ContentLength > maxBodyBytes)
        {
            return null;
        }

        // No buffer limit here: the loop below stops at maxBodyBytes itself. The buffering stream's own limit throws an
        // IOException on the read that would cross it, before the count shows the crossing: that was a 500 (issue 9).
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        using var hash = key is null
            ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256)
            : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key));
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{request.QueryString}\n"));
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBodyBytes)
                {
                    return null;
                }

                hash.AppendData(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit is lower than ours: the same answer, the same problem.
            return null;
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
