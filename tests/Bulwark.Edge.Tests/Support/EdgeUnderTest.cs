using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Shop.Edge;

namespace Bulwark.Edge.Tests.Support;

/// <summary>The shop's edge on real Kestrel (127.0.0.1, a free port), configured from a JSON file the test can rewrite.</summary>
internal sealed class EdgeUnderTest : IAsyncDisposable
{
    public const string OperatorKey = "test-operator-key";
    private readonly string _directory;
    private readonly JsonObject _bulwarkSection;
    private WebApplication _app = null!;

    private EdgeUnderTest(string directory, JsonObject? bulwarkSection)
    {
        _directory = directory;
        // Tests that are not about the edge's rate limits run with a per-client limit no test reaches.
        _bulwarkSection = bulwarkSection ?? new JsonObject
        {
            ["RateLimiting"] = new JsonObject { ["Tiers"] = new JsonObject { ["anonymous"] = new JsonObject { ["PermitLimit"] = 100_000_000 } } },
        };
    }

    public string ConfigPath => Path.Combine(_directory, "edge.json");

    public string StatePath => Path.Combine(_directory, "release-state.json");

    public string CellTablePath => Path.Combine(_directory, "cells.db");

    public HttpClient Client { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<EdgeUnderTest> StartAsync(JsonObject edgeSection, JsonObject? bulwarkSection = null)
    {
        var edge = new EdgeUnderTest(Directory.CreateTempSubdirectory("bulwark-edge-").FullName, bulwarkSection);
        await edge.WriteConfigAsync(edgeSection);
        await edge.StartAppAsync();
        return edge;
    }

    /// <summary>Rewrites the edge's configuration file; the running edge picks it up through its file watcher.</summary>
    public async Task WriteConfigAsync(JsonObject edgeSection)
    {
        edgeSection[nameof(EdgeOptions.Operator)] = new JsonObject { ["ApiKeys"] = new JsonArray(OperatorKey) };
        var release = edgeSection["Release"] as JsonObject;
        release?.TryAdd(nameof(Bulwark.Edge.Release.ReleaseOptions.StatePath), StatePath);
        var cells = edgeSection["Cells"] as JsonObject;
        cells?.TryAdd(nameof(Bulwark.Edge.Cells.CellsOptions.TablePath), CellTablePath);
        var document = new JsonObject { ["Edge"] = JsonNode.Parse(edgeSection.ToJsonString()), ["Bulwark"] = JsonNode.Parse(_bulwarkSection.ToJsonString()) };
        var temporary = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(temporary, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), TestContext.Current.CancellationToken);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    /// <summary>Stops the edge process's app and starts a new one on the same files (state survives through the state file).</summary>
    public async Task RestartAsync()
    {
        await StopAppAsync();
        await StartAppAsync();
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Operator.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<HttpResponseMessage> SendOperatorAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Operator.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartAppAsync()
    {
        // Content root in the test's own folder: only the test's configuration file counts, not a shipped appsettings.json.
        _app = EdgeApp.Build(["--urls=http://127.0.0.1:0", "--environment=Development", $"--contentRoot={_directory}", $"--edge-config={ConfigPath}", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
        Operator = new HttpClient { BaseAddress = BaseAddress };
        Operator.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
    }

    private async Task StopAppAsync()
    {
        Client?.Dispose();
        Operator?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
