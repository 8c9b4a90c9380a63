using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Bulwark.Edge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.ControlRoom.Tests.Edge;

/// <summary>
/// A real Bulwark edge (<c>AddBulwarkEdge</c> + <c>MapBulwarkEdge</c>, as shop/Shop.Edge hosts it, without the shop's
/// BFFs and limits) on Kestrel (loopback, port 0) with two slots, blue live and green, each a small Kestrel app answering
/// its own name; canary steps 1, 5, 25, 100, a minimum sample of 20, and no analysis timer during a
/// test (the tests and the panel's button ask for analyses).
/// </summary>
internal sealed class RunningEdge : IAsyncDisposable
{
    public const string OperatorKey = "controlroom-test-edge-key";

    private readonly WebApplication _edge;
    private readonly WebApplication[] _slots;
    private readonly string _directory;

    private RunningEdge(WebApplication edge, WebApplication[] slots, string directory, Uri baseAddress)
    {
        _edge = edge;
        _slots = slots;
        _directory = directory;
        BaseAddress = baseAddress;
        Operator = new HttpClient { BaseAddress = baseAddress };
        Operator.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
    }

    public Uri BaseAddress { get; }

    /// <summary>A client with the edge's operator key: the edge's own word on its state.</summary>
    public HttpClient Operator { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<RunningEdge> StartAsync()
    {
        var (blue, blueUrl) = await SlotAsync("blue");
        var (green, greenUrl) = await SlotAsync("green");
        var directory = Directory.CreateTempSubdirectory("bulwark-controlroom-edge-").FullName;
        // Not shop/Shop.Edge's EdgeApp: referencing a second web app would put its appsettings.json over the shop's in this
        // test project's output. The edge library and its operator endpoints are the same.
        var builder = WebApplication.CreateSlimBuilder(
        [
            "--urls=http://127.0.0.1:0",
            $"--contentRoot={directory}",
            $"--Edge:Operator:ApiKeys:0={OperatorKey}",
            $"--Edge:Release:Slots:blue={blueUrl}",
            $"--Edge:Release:Slots:green={greenUrl}",
            "--Edge:Release:Live=blue",
            "--Edge:Release:Canary:Steps:0=1",
            "--Edge:Release:Canary:Steps:1=5",
            "--Edge:Release:Canary:Steps:2=25",
            "--Edge:Release:Canary:Steps:3=100",
            "--Edge:Release:Canary:MinSample=20",
            "--Edge:Release:Canary:Interval=01:00:00",
        ]);
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkEdge(builder.Configuration.GetSection("Edge"));
        var edge = builder.Build();
        edge.MapBulwarkEdge();
        await edge.StartAsync(Ct);
        var address = new Uri(edge.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RunningEdge(edge, [blue, green], directory, address);
    }

    public async Task<JsonNode> ReleaseAsync()
    {
        using var response = await Operator.GetAsync(new Uri("/edge/release", UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET /edge/release: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> StateAsync() => (await ReleaseAsync())["state"]!;

    /// <summary>Sends an operator command to the edge directly (not through the Control Room) and expects 200.</summary>
    public async Task CommandAsync(string path, object? body = null)
    {
        using var response = body is null
            ? await Operator.PostAsync(new Uri(path, UriKind.Relative), null, Ct)
            : await Operator.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    public Task StartCanaryAsync() => CommandAsync("/edge/release/canary", new { slot = "green" });

    /// <summary>Customer requests through the edge pinned to <paramref name="slot"/>, so the canary's window fills.</summary>
    public async Task RequestsAsync(string slot, int count)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
            request.Headers.Add("X-Release-Pin", slot);
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(slot, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await _edge.StopAsync(CancellationToken.None);
        await _edge.DisposeAsync();
        foreach (var slot in _slots)
        {
            await slot.StopAsync(CancellationToken.None);
            await slot.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<(WebApplication App, Uri BaseAddress)> SlotAsync(string name) =>
        LoopbackKestrel.StartAsync(_ => { }, app =>
        {
            app.MapGet("/health/ready", () => Results.Text("ready"));
            app.Map("/{**path}", () => Results.Text(name));
        });
}
