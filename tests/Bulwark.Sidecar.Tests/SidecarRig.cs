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

    /// <summary>The upstream's own budget in these tests: what the sidecar tells Python when the caller allows more.</summary>
    public static readonly TimeSpan UpstreamTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The sidecar's own build output: a test folder that also holds the shop (or another host) holds its appsettings.json
    /// too, and a sidecar started from there would read that one instead of its own.
    /// </summary>
    public static string SidecarDll
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var own = Path.Combine(here.Parent!.Parent!.FullName, "Shop.Sidecar", here.Name, "Shop.Sidecar.dll");
            Assert.True(File.Exists(own), $"Build shop/Shop.Sidecar first: {own} is missing.");
            return own;
        }
    }

    public static string PythonScript => Path.Combine(AppContext.BaseDirectory, "python", "recommendations.py");

    /// <summary>Starts both; <paramref name="settings"/> are extra sidecar settings (<c>--Key=value</c>) on top of its appsettings.json.</summary>
    public static async Task<SidecarRig> StartAsync(params string[] settings)
    {
        var python = await StartPythonAsync();
        try
        {
            var sidecar = await RealProcess.StartAsync("dotnet", SidecarArguments(python.Url, settings), "Sidecar ready at");
            var rig = new SidecarRig(python, sidecar);
            try
            {
                await rig.WarmUpAsync();
            }
            catch
            {
                await sidecar.DisposeAsync();
                throw;
            }

            return rig;
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
        // The shipped 300 ms and 2 s are for a warm sidecar on a quiet machine; the test machine is neither.
        "--Bulwark:Deadlines:DefaultBudget=00:00:10",
        $"--Bulwark:Resilience:Pipelines:recommendations:Timeout={UpstreamTimeout}",
        // The shipped 200 ms per attempt likewise; a test about the attempt timeout sets its own after this.
        $"--Bulwark:Resilience:Pipelines:recommendations:AttemptTimeout={UpstreamTimeout}",
        .. settings,
    ];

    /// <summary>
    /// Sends calls through the whole path until one is answered by Python (a 404 it does not count), so the first call a
    /// test makes is not the one that compiles the proxy: on a busy machine that can take longer than the budgets.
    /// </summary>
    private async Task WarmUpAsync()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var response = await Sidecar.Client.GetAsync("/recommendations/warm-up", TestContext.Current.CancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return;
            }
        }

        Assert.Fail("The sidecar never got an answer from Python through the proxy.");
    }

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
