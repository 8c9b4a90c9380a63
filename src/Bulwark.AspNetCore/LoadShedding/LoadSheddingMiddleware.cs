using System.Globalization;
using Bulwark.AspNetCore.Resilience;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.LoadShedding;

/// <summary>
/// Admits each request through the <see cref="LoadSheddingOptions.Compartment"/> bulkhead: a free slot runs it, a short
/// queue holds it for at most <see cref="LoadSheddingOptions.MaxQueueWait"/> (and never past its deadline less
/// <see cref="LoadSheddingOptions.DeadlineReserve"/>), and otherwise it is answered 503 <c>bulkhead-full</c> with
/// <c>Retry-After</c> before it touches the resource. Counted and logged by the compartment (admissions, refusals,
/// queue, one line when shedding starts and stops). See docs/resilience.md#load-shedding.
/// </summary>
public sealed class LoadSheddingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BulkheadRegistry _registry;
    private readonly IOptionsMonitor<LoadSheddingOptions> _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware; the compartment is built (and its options validated) here, at start-up.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="registry">The process's compartments.</param>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock the deadline is read with.</param>
    public LoadSheddingMiddleware(RequestDelegate next, BulkheadRegistry registry, IOptionsMonitor<LoadSheddingOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _registry = registry;
        _options = options;
        _timeProvider = timeProvider;
        if (options.CurrentValue.Enabled)
        {
            _ = registry.Get(options.CurrentValue.Compartment);
        }
    }

    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes with the request.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options.CurrentValue;
        if (!options.Enabled)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var compartment = _registry.Get(options.Compartment);
        var maxWait = options.MaxQueueWait;
        if (DeadlineContext.Current is { } deadline && deadline.Remaining(_timeProvider) - options.DeadlineReserve is var left && left < maxWait)
        {
            maxWait = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }

        using var lease = await compartment.AcquireAsync(maxWait, context.RequestAborted).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(compartment.Options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "bulkhead-full", "Service busy",
                $"The '{compartment.Name}' compartment is at capacity; nothing was done. Retry after the Retry-After delay.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await _next(context).ConfigureAwait(false);
    }
}
