using Microsoft.Extensions.Options;

namespace Shop.Orders.Fulfilment;

/// <summary>Options of the Orders module (<c>Shop:Orders</c>).</summary>
internal sealed class OrdersOptions
{
    public const string SectionName = "Shop:Orders";

    /// <summary>
    /// Drill hook: stop every saga run right after this step (the step's effect done and saved), as if the process died
    /// there. Empty in production. The next start resumes the saga.
    /// </summary>
    /// <value>The default value is empty (never stop).</value>
    public string? StopAfterStep { get; set; }

    /// <summary>
    /// Drill hook: die inside this step, after its effect (reservation, charge, booking) but before the saga saved
    /// it. The next start repeats the step, which must then be idempotent.
    /// </summary>
    /// <value>The default value is empty (never crash).</value>
    public string? CrashAfterEffectOf { get; set; }
}

/// <summary>Lets a drill "kill" a saga after a given step: the run's token is cancelled, the state is already saved.</summary>
internal sealed class OrderFulfilmentHooks(IOptions<OrdersOptions> options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, CancellationTokenSource> _runs = new();

    public CancellationTokenSource Track(Guid orderId, CancellationToken stopping)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _runs[orderId] = cts;
        return cts;
    }

    public void Untrack(Guid orderId) => _runs.TryRemove(orderId, out _);

    public void After(Guid orderId, string step)
    {
        if (!_runs.TryGetValue(orderId, out var cts))
        {
            return;
        }

        if (string.Equals(options.Value.StopAfterStep, step, StringComparison.Ordinal))
        {
            cts.Cancel();
        }
        else if (string.Equals(options.Value.CrashAfterEffectOf, step, StringComparison.Ordinal))
        {
            cts.Cancel();
            throw new OperationCanceledException("drill: the process died after the step's effect", cts.Token);
        }
    }
}
