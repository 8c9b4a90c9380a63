using System.Globalization;
using System.Net.Http.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Switches;

/// <summary>
/// Switches a dependency through its own <c>/_control/faults</c> endpoint (the shop's stand-ins:
/// <c>PUT</c> <c>{latencyMs, errorRate, errorStatus, down, slowBodyMs}</c>, <c>DELETE</c> to clear).
/// </summary>
public sealed class StandInFaultSwitch : IDependencySwitch, IRequestCountingDependency
{
    // The stand-ins accept at most ten minutes: long enough to look like a hang to any sane client timeout.
    private const int BlackholeLatencyMs = 600_000;
    private readonly Uri _control;

    /// <summary>Creates a switch for the stand-in whose base URL is <paramref name="controlBase"/> (loopback).</summary>
    /// <exception cref="NonLoopbackTargetException">The control URL is not on loopback.</exception>
    public StandInFaultSwitch(string name, Uri controlBase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(controlBase);
        Name = name;
        _control = LoopbackTarget.Ensure(controlBase);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description => $"control endpoint {new Uri(_control, "/_control/faults")}";

    /// <inheritdoc />
    public async Task BreakAsync(DependencyFault fault, TimeSpan latency, CancellationToken cancellationToken)
    {
        var body = fault switch
        {
            DependencyFault.Down => new StandInFaults(0, true),
            DependencyFault.Blackhole => new StandInFaults(BlackholeLatencyMs, false),
            DependencyFault.Errors => new StandInFaults(0, false) { ErrorRate = 1, ErrorStatus = 503 },
            _ => new StandInFaults((int)Math.Clamp(latency.TotalMilliseconds, 0, BlackholeLatencyMs), false),
        };
        using var client = LoopbackHttp.CreateClient(_control, TimeSpan.FromSeconds(5));
        await SendAsync(client, c => c.PutAsJsonAsync(new Uri("/_control/faults", UriKind.Relative), body, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(_control, TimeSpan.FromSeconds(5));
        await SendAsync(client, c => c.DeleteAsync(new Uri("/_control/faults", UriKind.Relative), cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> GetRequestCountAsync(CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(_control, TimeSpan.FromSeconds(5));
        try
        {
            var status = await client.GetFromJsonAsync<StandInStatus>(new Uri("/_control/faults", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return status?.Requests ?? throw new DrillPreconditionException($"The {Name} {Description} returned no request count.");
        }
        catch (HttpRequestException e)
        {
            throw new DrillPreconditionException($"The {Name} {Description} does not answer ({e.Message}); is the stand-in running?", e);
        }
    }

    private async Task SendAsync(HttpClient client, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send(client).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture,
                    $"The {Name} {Description} answered {(int)response.StatusCode}; is it a stand-in with fault controls?"));
            }
        }
        catch (HttpRequestException e)
        {
            throw new DrillPreconditionException($"The {Name} {Description} does not answer ({e.Message}); is the stand-in running?", e);
        }
    }

    private sealed record StandInFaults(int LatencyMs, bool Down)
    {
        public double ErrorRate { get; init; }

        public int ErrorStatus { get; init; } = 503;
    }

    private sealed record StandInStatus(long Requests);
}
