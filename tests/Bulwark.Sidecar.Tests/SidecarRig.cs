using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Sidecar.Tests;

/// <summary>The Python recommendations engine and a Bulwark sidecar in front of it, both real processes on loopback.</summary>
internal sealed class SidecarRig : IAsyncDisposable
{
    private SidecarRig(RealProcess python, RealProcess sidecar)
    {
        Python = python;
        Sidecar = sidecar;
    }

    public RealProcess Python { get; }

    public RealProcess Sidecar { get; }

    public static string SidecarDll => typeof(Shop.Sidecar.SidecarApp).Assembly.Location;

    public static string PythonScript => Path.Combine(AppContext.BaseDirectory, "python", "recommendations.py");

    /// <summary>Starts both; <paramref name="settings"/> are extra sidecar settings (<c>--Key=value</c>) on top of its appsettings.json.</summary>
    public static async Task<SidecarRig> StartAsync(params string[] settings)
    {
        var python = await StartPythonAsync();
        try
        {
            var sidecar = await RealProcess.StartAsync("dotnet", SidecarArguments(python.Url, settings), "Sidecar ready at");
            return new SidecarRig(python, sidecar);
        }
        catch
        {
            await python.DisposeAsync();
            throw;
        }
    }

    public static Task<RealProcess> StartPythonAsync() =>
        RealProcess.StartAsync("python3", [PythonScript, "--port", "0", "--seed", "7"], "Recommendations (python) ready at");

    public static IEnumerable<string> SidecarArguments(Uri upstream, IEnumerable<string> settings) =>
    [
        SidecarDll,
        "--urls=http://127.0.0.1:0",
        $"--Bulwark:Sidecar:Upstreams:recommendations:Address={upstream.GetLeftPart(UriPartial.Authority)}",
        // Every request sampled, so the trace test does not depend on the shipped 10 %.
        "--Bulwark:Observability:SamplingRatio=1",
        .. settings,
    ];

    /// <summary>Sets the Python service's faults through its own control endpoint (not through the sidecar).</summary>
    public async Task SetFaultsAsync(object faults)
    {
        using var response = await Python.Client.PutAsJsonAsync("/_control/faults", faults, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How many recommendation requests reached the Python service.</summary>
    public async Task<long> PythonRequestsAsync()
    {
        using var status = JsonDocument.Parse(await Python.Client.GetStringAsync("/_control/faults", TestContext.Current.CancellationToken));
        return status.RootElement.GetProperty("requests").GetInt64();
    }

    /// <summary>What the Python service recorded of each request it received, oldest first.</summary>
    public async Task<IReadOnlyList<SeenRequest>> PythonSawAsync()
    {
        var seen = await Python.Client.GetFromJsonAsync<SeenRequests>("/_control/requests", JsonSerializerOptions.Web, TestContext.Current.CancellationToken);
        return seen!.Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await Python.DisposeAsync();
    }

    internal sealed record SeenRequests(IReadOnlyList<SeenRequest> Requests);

    internal sealed record SeenRequest(string Path, string? Deadline, string? Traceparent, long ReceivedAtMs);
}
