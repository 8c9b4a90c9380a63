using System.Collections.Concurrent;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Edge;

/// <summary>
/// Steady customer traffic through the edge: a fixed number of workers, each serving a share of the customers in
/// turn (<c>X-Customer-Id</c>), closed loop, until stopped or the limit is reached. Counts every answer, which slot
/// served it (<c>X-Release-Slot</c>) and each customer's slots in order, so a drill can judge failures and stickiness.
/// </summary>
internal sealed class EdgeCustomerLoad
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _bySlot = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _failureSamples = new();
    private long _requests;
    private long _failures;

    /// <summary>Requests answered or failed so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered 5xx or 429, or not answered at all.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Requests per serving slot.</summary>
    public IReadOnlyDictionary<string, long> BySlot => _bySlot;

    /// <summary>The first few failures, for the report.</summary>
    public IReadOnlyList<string> FailureSamples => [.. _failureSamples];

    /// <summary>Each customer's serving slots, in the order their answers arrived.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SlotsByCustomer => _seen.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);

    /// <summary>Runs the workers until <paramref name="stop"/> is cancelled or <paramref name="maxRequests"/> were sent.</summary>
    /// <param name="target">The edge.</param>
    /// <param name="workers">Parallel callers.</param>
    /// <param name="customers">Distinct customer ids, spread over the workers.</param>
    /// <param name="request">Builds request number n for a customer.</param>
    /// <param name="maxRequests">A bound on the whole run.</param>
    /// <param name="stop">Ends the run.</param>
    public async Task RunAsync(Uri target, int workers, int customers, Func<long, string, HttpRequestMessage> request, long maxRequests, CancellationToken stop)
    {
        using var client = new HttpClient(LoopbackHttp.CreateHandler(TimeSpan.FromSeconds(5), workers), disposeHandler: true)
        {
            BaseAddress = target,
            Timeout = TimeSpan.FromSeconds(10),
        };
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var turn = 0; !stop.IsCancellationRequested; turn++)
            {
                var n = Interlocked.Increment(ref _requests);
                if (n > maxRequests)
                {
                    Interlocked.Decrement(ref _requests);
                    return;
                }

                // Worker w serves customers w, w + workers, ...: each customer's requests are sequential, so the order
                // of their slots is the order they saw them.
                var customer = $"drill-customer-{(worker + (turn * workers)) % customers}";
                await OneAsync(client, request(n, customer), customer).ConfigureAwait(false);
            }
        }, CancellationToken.None))).ConfigureAwait(false);
    }

    private async Task OneAsync(HttpClient client, HttpRequestMessage message, string customer)
    {
        using (message)
        {
            message.Headers.TryAddWithoutValidation("X-Customer-Id", customer);
            try
            {
                // Not the stop token: a request in flight when the load stops still counts as answered or failed.
                using var response = await client.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
                if (response.Headers.TryGetValues("X-Release-Slot", out var slots) && slots.FirstOrDefault() is { } slot)
                {
                    _bySlot.AddOrUpdate(slot, 1, (_, c) => c + 1);
                    _seen.GetOrAdd(customer, _ => new ConcurrentQueue<string>()).Enqueue(slot);
                }

                // A refusal (429) is a failed request for the customer as much as a 5xx is.
                if ((int)response.StatusCode >= 500 || (int)response.StatusCode == 429)
                {
                    Fail($"{message.Method} {message.RequestUri} answered {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail($"{message.Method} {message.RequestUri}: {e.GetType().Name} {e.Message}");
            }
        }
    }

    private void Fail(string what)
    {
        if (Interlocked.Increment(ref _failures) <= 5)
        {
            _failureSamples.Enqueue(what);
        }
    }
}
